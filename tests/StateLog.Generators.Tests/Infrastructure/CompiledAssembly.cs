using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace StateLog.Generators.Tests.Infrastructure;

/// <summary>
/// A test compilation (with generated code) emitted to memory and loaded into a collectible context. StateLog and
/// MessagePack resolve to the test process's copies, so values cross the boundary as the same types.
/// </summary>
internal sealed class CompiledAssembly : IDisposable
{
    private readonly AssemblyLoadContext _context;

    private CompiledAssembly(AssemblyLoadContext context, Assembly assembly)
    {
        _context = context;
        Assembly = assembly;
    }

    public Assembly Assembly { get; }

    /// <summary>Generates, checks there are no diagnostics, emits and loads <paramref name="compilation"/>.</summary>
    public static CompiledAssembly Load(Compilation compilation)
    {
        var (_, _, output) = GeneratorHarness.Run(compilation);
        using var image = new MemoryStream();
        var emit = output.Emit(image);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        image.Position = 0;
        var context = new AssemblyLoadContext(compilation.AssemblyName + Guid.NewGuid().ToString("N"), isCollectible: true);
        return new CompiledAssembly(context, context.LoadFromStream(image));
    }

    /// <summary>Calls the public static method <paramref name="type"/>.<paramref name="method"/>.</summary>
    public object? Call(string type, string method, params object?[] args) =>
        Assembly.GetType(type, throwOnError: true)!.GetMethods().Single(m => m.Name == method).Invoke(null, args);

    public void Dispose() => _context.Unload();
}
