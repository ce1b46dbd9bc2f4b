using Privacy.Enforcement.Tool;

return await AuditTool.RunAsync(args, Console.Out, Console.Error, CancellationToken.None).ConfigureAwait(false);
