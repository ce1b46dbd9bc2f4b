using Privacy.Enforcement.Tool;

return await PrivacyTool.RunAsync(args, CancellationToken.None).ConfigureAwait(false);
