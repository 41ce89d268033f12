using Nris.Server;

var app = NrisApp.Build(args);
await NrisApp.PrepareAsync(app);
await app.RunAsync();
