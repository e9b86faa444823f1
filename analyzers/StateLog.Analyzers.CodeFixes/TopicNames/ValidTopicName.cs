using System.Text;

namespace StateLog.Analyzers.CodeFixes.TopicNames;

/// <summary>Turns an invalid topic name into the nearest valid one (as <c>TopicName.NewTopicProblem</c> checks it).</summary>
internal static class ValidTopicName
{
    /// <summary>
    /// Lower-cases <paramref name="name"/>, replaces every character outside <c>[a-z0-9._-]</c> with <c>-</c>, cuts
    /// it to the maximum length, and turns the dot after a leading Windows device name into <c>-</c>
    /// (<c>con.events</c> becomes <c>con-events</c>); when that leaves nothing usable (empty, <c>.</c> or <c>..</c>),
    /// the type name <paramref name="fallback"/> is treated the same way.
    /// </summary>
    public static string From(string? name, string fallback)
    {
        var candidate = Sanitize(name ?? string.Empty);
        if (TopicName.DeviceStem(candidate) is { } stem)
        {
            candidate = stem + "-" + candidate.Substring(stem.Length + 1);
        }

        return candidate is "" or "." or ".." ? Sanitize(fallback) : candidate;
    }

    private static string Sanitize(string name)
    {
        var length = name.Length < TopicName.MaxLength ? name.Length : TopicName.MaxLength;
        var result = new StringBuilder(length);
        foreach (var c in name.ToLowerInvariant())
        {
            if (result.Length == length)
            {
                break;
            }

            result.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-' ? c : '-');
        }

        return result.ToString();
    }
}
