using StateLog.Analyzers.CodeFixes.TopicNames;

namespace StateLog.Analyzers.Tests.CodeFixes;

/// <summary>Whatever the input, the SLOG004 fix produces a name the topic-name rule accepts.</summary>
public class ValidTopicNameTests
{
    [Theory]
    [InlineData("../evil")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("/")]
    [InlineData("C:\\data\\topic")]
    [InlineData("tab\tand\nnewline")]
    [InlineData("日本語")]
    [InlineData("Already-Valid_1.0")]
    [InlineData("NUL.log")]
    [InlineData("Lpt3.")]
    public void From_AlwaysReturnsAValidName(string? name)
    {
        var valid = ValidTopicName.From(name, "UserSession");
        Assert.Null(TopicName.NewTopicProblem(valid));
    }

    [Fact]
    public void From_KeepsAValidLowerCaseNameUnchanged()
    {
        Assert.Equal("user-activity.v2_eu", ValidTopicName.From("user-activity.v2_eu", "UserActivity"));
    }

    [Fact]
    public void From_CutsTo249Characters()
    {
        Assert.Equal(new string('x', 249), ValidTopicName.From(new string('X', 1000), "T"));
    }
}
