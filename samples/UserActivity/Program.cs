using System.IO;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console;
using StateLog;
using UserActivitySample;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning); // the console is for the tables
builder.Services.AddStateLog(); // the embedded default: statelog-data next to the app
builder.Services.AddSingleton(AnsiConsole.Console);
builder.Services.AddSingleton<UserActivityDemo>();

using var host = builder.Build();

// Start from an empty log so that every run prints the same.
var dataDirectory = host.Services.GetRequiredService<IOptions<StateLogOptions>>().Value.DataDirectory;
if (Directory.Exists(dataDirectory))
{
    Directory.Delete(dataDirectory, recursive: true);
}

await host.StartAsync();
await host.Services.GetRequiredService<UserActivityDemo>().RunAsync();
await host.StopAsync();
