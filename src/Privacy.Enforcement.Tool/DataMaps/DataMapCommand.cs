using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.DataMap;
using Privacy.Enforcement.Fides;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.Tool.Output;
using Privacy.Enforcement.Tool.Policies;
using Privacy.Enforcement.Tool.Testing;

namespace Privacy.Enforcement.Tool.DataMaps;

/// <summary><c>privacy data-map</c>: the records of processing of a policy, its data sources, engagements and trail.</summary>
internal static class DataMapCommand
{
    public static Command Create(Terminal terminal)
    {
        var file = new Argument<string>("FILE") { Description = "The policy document (JSON file, or 'standard' for the built-in policy)." };
        var datasets = new Option<string[]>("--dataset") { Description = "A Fides dataset file (YAML) classifying the fields of one data source; repeat for each source.", AllowMultipleArgumentsPerToken = true };
        var sqlite = new Option<string?>("--sqlite") { Description = "The host's SQLite database: the providers' engagements (and with --trail the decisions) it holds." };
        var postgres = new Option<string?>("--postgres") { Description = "The host's PostgreSQL connection string, instead of --sqlite." };
        var schema = new Option<string?>("--schema") { Description = "The PostgreSQL schema of the stores, when the host set one." };
        var trail = new Option<bool>("--trail") { Description = "Read the decisions of the audit trail too (reads the whole trail)." };
        var json = PolicyCommands.JsonOption();
        var command = new Command("data-map", """
            The data map (records of processing) of a policy: for each purpose the categories processed, the sources that
            hold them (from Fides dataset files), the recipients and providers; from the host's store the providers'
            engagements and, with --trail, what the trail shows was decided. Markdown for people, --json for machines.
            Exit code 0, 2 when a file is missing or malformed.

            Example: privacy data-map policies/standard.json --dataset orders-db.fides.yaml --sqlite privacy.db --trail
            """) { file, datasets, sqlite, postgres, schema, trail, json };
        command.Validators.Add(result =>
        {
            if (result.GetResult(sqlite) is not null && result.GetResult(postgres) is not null)
            {
                result.AddError("Give --sqlite FILE or --postgres CONNECTION-STRING, not both.");
            }
        });
        command.SetAction(async (parse, token) =>
        {
            var policy = PolicyFiles.Load(parse.GetRequiredValue(file));
            var sources = (parse.GetValue(datasets) ?? []).Select(ReadDataset).ToList();
            var services = new ServiceCollection();
            services.AddSingleton<IPolicyProvider>(new PolicyCatalog(policy));
            services.AddSingleton<IAuditTrail, DiscardingAuditTrail>();
            foreach (var source in sources)
            {
                services.AddSingleton(source);
            }

            var builder = services.AddPrivacyEnforcement();
            HostStores.Use(builder, parse.GetValue(sqlite), parse.GetValue(postgres), parse.GetValue(schema));

            var provider = services.BuildServiceProvider();
            await using (provider.ConfigureAwait(false))
            {
                DataMap.DataMap map;
                try
                {
                    map = parse.GetValue(sqlite) is null && parse.GetValue(postgres) is null
                        ? DataMapBuilder.Build(policy, sources, [])
                        : await DataMapBuilder.BuildAsync(provider, parse.GetValue(trail), token).ConfigureAwait(false);
                }
                catch (PrivacyStoreException ex)
                {
                    throw HostStores.Unreadable(ex);
                }

                await terminal.Out.WriteLineAsync(parse.GetValue(json) ? DataMapWriter.ToJson(map) : DataMapWriter.ToMarkdown(map)).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static IPersonalDataSource ReadDataset(string path)
    {
        PolicyFiles.ReadText(path, "dataset file");
        try
        {
            var fields = FidesDataset.ReadFieldsFromFile(path);
            return FidesDataset.Classify(new DeclaredSource(Path.GetFileNameWithoutExtension(path), [.. fields.Select(f => f.Category).Distinct()]), fields);
        }
        catch (FidesDatasetException ex)
        {
            throw new ToolException($"{path}: {ex.Path}: {ex.Message}", ex);
        }
    }

    /// <summary>A data source known from its dataset file only: the tool maps it, and never reads, changes or erases data.</summary>
    private sealed class DeclaredSource(string name, IReadOnlyList<DataCategory> categories) : IPersonalDataSource
    {
        public string Name => name;

        public DataSourceOperator Operator => DataSourceOperator.Application;

        public IReadOnlyList<DataCategory> Categories => categories;

        public ValueTask<IReadOnlyDictionary<DataCategory, JsonElement>> ReadAsync(SubjectId subject, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The data map tool does not read personal data.");

        public ValueTask UpdateAsync(SubjectId subject, IReadOnlyDictionary<DataCategory, JsonElement> changes, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The data map tool does not change personal data.");

        public ValueTask<IReadOnlyList<DataCategory>> EraseAsync(SubjectId subject, IReadOnlyList<DataCategory> categories, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The data map tool does not erase personal data.");
    }
}
