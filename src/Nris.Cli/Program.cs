using Nris.Cli;

return await NrisCli.RunAsync(args, Console.Out, Console.Error);
