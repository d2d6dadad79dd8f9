using Wayland.Tools;
using Wayland.Trace;

// wl-trace: a Wayland protocol tracing proxy (see Options.cs for the command line, TraceSession.cs for the run).
return TraceSession.Run(args, StandardStreams.QuietStandardError());
