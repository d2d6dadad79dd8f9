using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Wayland.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Wayland.Benchmarks.WireBenchmarks).Assembly).Run(args);
