using System;
using StateLog;

namespace UserActivitySample;

/// <summary>What a user last did. The generator emits <c>UserActivityTopic</c>, a typed client keyed by <see cref="UserId"/>.</summary>
[CompactedTopic("user-activity")]
public sealed record UserActivity([Key] string UserId, string Action, DateTimeOffset At);
