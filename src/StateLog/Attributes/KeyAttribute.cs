using System;

namespace StateLog;

/// <summary>
/// Marks the member whose value is the record key of a <see cref="CompactedTopicAttribute"/> type.
/// Supported key types: <see cref="string"/>, <see cref="int"/>, <see cref="long"/> and <see cref="Guid"/>.
/// <c>System.ComponentModel.DataAnnotations.KeyAttribute</c> is accepted as well.
/// </summary>
/// <remarks>Allowed on parameters so that a positional record can write <c>record User([Key] string Id)</c>.</remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter, Inherited = false, AllowMultiple = false)]
public sealed class KeyAttribute : Attribute
{
}
