using System.Diagnostics;

namespace Privacy.Enforcement.Tool.Tests;

/// <summary>Runs the built tool as a process (<c>dotnet Privacy.Enforcement.Tool.dll ...</c>), as a person or CI would.</summary>
internal static class ToolProcess
{
    public static string Directory => AppContext.BaseDirectory;

    public static string Policies => Path.Combine(AppContext.BaseDirectory, "policies");

    public static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Privacy.Enforcement.Tool.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
