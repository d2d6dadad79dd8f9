using Wayland.Compositor.Cli;

// wl-headless: the headless compositor as a command (see CommandLine.cs for the options, Session.cs for the run).
return CommandLine.Run(args);
