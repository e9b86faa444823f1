using Microsoft.Extensions.Options;
using StateLog.Configuration;

namespace StateLog.DependencyInjection;

/// <summary>Validates the options at host start (<c>ValidateOnStart</c>) with the same rules <see cref="StateLogEngine.Open"/> applies.</summary>
internal sealed class StateLogOptionsValidator : IValidateOptions<StateLogOptions>
{
    public ValidateOptionsResult Validate(string? name, StateLogOptions options)
    {
        var problems = OptionsValidation.Problems(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
