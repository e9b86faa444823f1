namespace StateLog.Generators;

/// <summary>The tracking name of every pipeline step; tests assert each is Cached/Unchanged on a second run.</summary>
internal static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string Entities = nameof(Entities);
    public const string Registrations = nameof(Registrations);
    public const string CollectedRegistrations = nameof(CollectedRegistrations);
    public const string AllRegistrations = nameof(AllRegistrations);
    public const string Assembly = nameof(Assembly);
    public const string RegistrarInputs = nameof(RegistrarInputs);
    public const string Registrar = nameof(Registrar);
}
