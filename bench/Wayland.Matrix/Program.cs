using System.Globalization;
using Wayland.Matrix;

// The benchmark matrix. Usage:
//   dotnet run -c Release --project bench/Wayland.Matrix -- [--reps R] [--scale S] [--idle-clients N] [--workloads a,b] [--out FILE] [--smoke]
// builds the libwayland peers (bench/native), runs {our client, libwayland's} x {our server, libwayland's} on every
// workload, interleaved, pinned to one CPU and unpinned, and prints markdown tables (also written to FILE).
// The same program is our client (--client) and our server (--serve) in the processes the driver starts.
if (args.Length > 0 && args[0] == "--serve")
{
    return MatrixServer.Run(args[1]);
}

if (args.Length > 0 && args[0] == "--client")
{
    return MatrixClient.Run(args[1], args[2], long.Parse(args[3], CultureInfo.InvariantCulture), long.Parse(args[4], CultureInfo.InvariantCulture));
}

return Driver.Run(DriverOptions.Parse(args));
