using System;

namespace StateLog.IntegrationTests.Topics;

/// <summary>The seed entity; the generator emits <c>UserActivityTopic</c> next to it.</summary>
[CompactedTopic("user-activity")]
public sealed record UserActivity([Key] string UserId, string Action, DateTimeOffset At);
