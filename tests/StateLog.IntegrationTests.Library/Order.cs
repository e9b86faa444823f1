using StateLog;

namespace StateLog.IntegrationTests.Library;

/// <summary>An order, keyed by an <see cref="int"/>, declared outside the application that uses it.</summary>
[CompactedTopic("library-orders", Partitions = 2)]
public sealed record Order([Key] int OrderId, string Item, int Quantity);
