using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Spectre.Console;
using StateLog;

namespace UserActivitySample;

/// <summary>The seed example: four records, a compaction that keeps the latest per key, a lookup and a delete.</summary>
public sealed class UserActivityDemo(UserActivityTopic topic, IAnsiConsole console)
{
    // Fixed event times, so that every run prints the same tables.
    private static readonly DateTimeOffset Morning = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        await topic.PutAsync(new UserActivity("user-1", "login", Morning), cancellationToken);
        await topic.PutAsync(new UserActivity("user-2", "logout", Morning.AddMinutes(5)), cancellationToken);
        await topic.PutAsync(new UserActivity("user-1", "update-profile", Morning.AddMinutes(10)), cancellationToken);
        await topic.PutAsync(new UserActivity("user-3", "login", Morning.AddMinutes(15)), cancellationToken);
        await PrintLogAsync("Log before compaction", cancellationToken);

        var result = await topic.CompactAsync(cancellationToken);
        await PrintLogAsync("Log after compaction", cancellationToken);
        console.Write(new Rule("[yellow]Compaction result[/]").LeftJustified());
        console.Write(new Grid()
            .AddColumn()
            .AddColumn(new GridColumn().RightAligned())
            .AddRow("Records before", Number(result.RecordsBefore))
            .AddRow("Records after", Number(result.RecordsAfter))
            .AddRow("Bytes before", Number(result.BytesBefore))
            .AddRow("Bytes after", Number(result.BytesAfter))
            .AddRow("Tombstones removed", Number(result.TombstonesRemoved))
            .AddRow("Partitions cleaned", Number(result.PartitionsCleaned)));

        var latest = await topic.GetAsync("user-1", cancellationToken);
        console.Write(new Rule("[yellow]GetAsync(\"user-1\")[/]").LeftJustified());
        console.MarkupLineInterpolated($"{(latest is null ? "(absent)" : $"{latest.Action} at {Display(latest.At)}")}");

        await topic.DeleteAsync("user-3", cancellationToken);
        await PrintLogAsync("Log after DeleteAsync(\"user-3\")", cancellationToken);
    }

    private async Task PrintLogAsync(string title, CancellationToken cancellationToken)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(title)
            .AddColumn(new TableColumn("Offset").RightAligned())
            .AddColumn("Key")
            .AddColumn("Action")
            .AddColumn("At");
        await foreach (var record in topic.ReadAsync(cancellationToken: cancellationToken))
        {
            table.AddRow(
                new Text(Number(record.Offset)),
                new Text(record.Key),
                record.Value is { } value ? new Text(value.Action) : new Markup("[red]tombstone[/]"),
                new Text(record.Value is { } at ? Display(at.At) : "-"));
        }

        console.Write(table);
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Display(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
