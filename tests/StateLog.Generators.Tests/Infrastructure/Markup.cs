using System.Collections.Generic;
using Microsoft.CodeAnalysis.Text;

namespace StateLog.Generators.Tests.Infrastructure;

/// <summary>Source with expected spans marked <c>[|...|]</c>: returns the plain source and the spans, in order.</summary>
internal static class Markup
{
    public static (string Source, IReadOnlyList<TextSpan> Spans) Parse(string markup)
    {
        var spans = new List<TextSpan>();
        var text = new System.Text.StringBuilder();
        var start = -1;
        for (var i = 0; i < markup.Length; i++)
        {
            if (string.CompareOrdinal(markup, i, "[|", 0, 2) == 0)
            {
                start = text.Length;
                i++;
            }
            else if (string.CompareOrdinal(markup, i, "|]", 0, 2) == 0)
            {
                spans.Add(TextSpan.FromBounds(start, text.Length));
                i++;
            }
            else
            {
                text.Append(markup[i]);
            }
        }

        return (text.ToString(), spans);
    }
}
