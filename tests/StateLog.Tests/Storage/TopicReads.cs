using System.Collections.Generic;
using System.Threading.Tasks;

namespace StateLog.Tests.Storage;

/// <summary>Reading a whole topic back in the append tests.</summary>
internal static class TopicReads
{
    /// <summary>Every record now in <paramref name="topic"/>, in offset order per partition.</summary>
    public static async Task<List<LogRecord>> ReadAllAsync(TopicLog topic)
    {
        var list = new List<LogRecord>();
        await foreach (var record in topic.ReadAsync())
        {
            list.Add(record);
        }

        return list;
    }
}
