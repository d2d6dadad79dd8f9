using Wayland.Compositor.Cli;
using Wayland.Tools;

// wl-headless: the headless compositor as a command (see CommandLine.cs for the options, Session.cs for the run).
StandardStreams.QuietStandardError();
return CommandLine.Run(args);
