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

    /// <summary>Generates, checks there are no diagnostics, and emits <paramref name="compilation"/> to an image.</summary>
    public static byte[] Build(Compilation compilation)
    {
        var (_, _, output) = GeneratorHarness.Run(compilation);
        using var image = new MemoryStream();
        var emit = output.Emit(image);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        return image.ToArray();
    }

    /// <summary>Builds <paramref name="compilation"/> and loads it, with the <paramref name="dependencies"/> it references.</summary>
    public static CompiledAssembly Load(Compilation compilation, params byte[][] dependencies)
    {
        var context = new AssemblyLoadContext(compilation.AssemblyName + Guid.NewGuid().ToString("N"), isCollectible: true);
        var loaded = dependencies.Select(d => context.LoadFromStream(new MemoryStream(d))).ToList();
        context.Resolving += (_, name) => loaded.FirstOrDefault(a => a.GetName().Name == name.Name);
        return new CompiledAssembly(context, context.LoadFromStream(new MemoryStream(Build(compilation))));
    }

    /// <summary>Calls the public static method <paramref name="type"/>.<paramref name="method"/>.</summary>
    public object? Call(string type, string method, params object?[] args) =>
        Assembly.GetType(type, throwOnError: true)!.GetMethods().Single(m => m.Name == method).Invoke(null, args);

    public void Dispose() => _context.Unload();
}
