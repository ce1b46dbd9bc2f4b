using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Privacy.Enforcement.WorkerSample;

/// <summary>
/// Listens to the library's <c>Privacy.Enforcement</c> meter with a <see cref="MeterListener"/> and logs the totals
/// when the host stops. A production host would export the same meter with OpenTelemetry instead.
/// </summary>
internal sealed partial class MetricsPrinter : IHostedService, IDisposable
{
    private const string MeterName = "Privacy.Enforcement";
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, double> _totals = new(StringComparer.Ordinal);
    private readonly ILogger<MetricsPrinter> _logger;

    public MetricsPrinter(ILogger<MetricsPrinter> logger)
    {
        _logger = logger;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _listener.RecordObservableInstruments();
        foreach (var (series, total) in _totals.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            LogTotal(series, total);
        }

        return Task.CompletedTask;
    }

    public void Dispose() => _listener.Dispose();

    // Counters are summed per instrument and the tags that say what was decided (kind, outcome); for histograms the
    // number of measurements and their sum are kept (for a duration: how many decisions and the time they took).
    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = instrument.Name;
        if (instrument is Histogram<double> or Histogram<int> or Histogram<long>)
        {
            _totals.AddOrUpdate(key + " (count)", 1, (_, total) => total + 1);
            key += $" (sum, {instrument.Unit})";
        }
        foreach (var tag in tags)
        {
            if (tag.Key.EndsWith("kind", StringComparison.Ordinal) || tag.Key.EndsWith("outcome", StringComparison.Ordinal))
            {
                key += $" {tag.Key}={tag.Value}";
            }
        }

        _totals.AddOrUpdate(key, value, (_, total) => total + value);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "metric {Series} = {Total}")]
    private partial void LogTotal(string series, double total);
}
