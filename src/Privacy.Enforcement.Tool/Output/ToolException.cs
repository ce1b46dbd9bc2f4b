namespace Privacy.Enforcement.Tool.Output;

/// <summary>A bad input the person can fix (a missing file, malformed YAML): printed as one message, exit code 2.</summary>
internal sealed class ToolException(string message, Exception? inner = null) : Exception(message, inner);
