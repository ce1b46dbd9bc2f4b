using System.CommandLine;
using Privacy.Enforcement.Tool.Output;

namespace Privacy.Enforcement.Tool.Policies;

/// <summary><c>privacy policy explain</c>.</summary>
internal static class PolicyExplainCommand
{
    public static Command Create(Terminal terminal)
    {
        var command = new Command("explain", "TODO");
        command.SetAction(_ => terminal.Out.WriteLine("todo"));
        return command;
    }
}
