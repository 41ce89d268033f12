using Nris.Server;

var app = NrisApp.Build(args);
await NrisApp.PrepareAsync(app);
// The demo's live connections (fed by `nris demo feed`); tests build the app without this.
await Nris.Server.Connectors.DemoConnectors.EnsureAsync(app);
await app.RunAsync();
