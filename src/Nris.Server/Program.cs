using Nris.Server;

var app = NrisApp.Build(args);
await app.RunAsync();
