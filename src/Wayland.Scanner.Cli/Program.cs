using System;
using Wayland.Scanner.Cli;

return ScannerCommand.Run(args, Console.Out, Console.Error);
