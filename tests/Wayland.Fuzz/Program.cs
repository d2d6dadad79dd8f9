using System.Globalization;
using Wayland.Fuzz;

// Usage: dotnet run -c Release --project tests/Wayland.Fuzz -- [--target compositor|bare|weston[,...]] [--seconds N]
//        [--seed S] [--connections N] [--mutation-rate R] [--keep-going]
// For each target: starts the server in a child process, connects a bystander (our client, round-tripping all the time),
// then N hostile connections (default 8) that send random plausible and mutated requests to every global the compositor offers for N seconds
// (default 30). Passes when the server is still alive, the bystander never failed or waited more than 1 s, and the
// server's descriptors and memory are back near where they started. --seed replays a run's random choices;
// --mutation-rate R sets the average share of mutated messages (default 0.2; each connection draws its own rate from
// 0 to 2R); --keep-going restarts a crashed server and goes on (to count crash classes, e.g. on weston).
// --serve-bare NAME is the bare target itself: a Wayland.Server display on socket NAME (started by the fuzzer).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
string[] targets = ["compositor"];
int seconds = 30;
int connections = 8;
bool keepGoing = false;
double mutationRate = 0.2;
int seed = Random.Shared.Next();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--serve-bare" when i + 1 < args.Length:
            return BareServer.Serve(args[i + 1]);
        case "--target" when i + 1 < args.Length && args[i + 1].Split(',').All(t => t is "compositor" or "bare" or "weston"):
            targets = args[++i].Split(',');
            break;
        case "--seconds" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out seconds) && seconds > 0:
        case "--connections" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out connections) && connections > 0:
        case "--seed" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out seed):
            i++;
            break;
        case "--mutation-rate" when i + 1 < args.Length && double.TryParse(args[i + 1], CultureInfo.InvariantCulture, out mutationRate) && mutationRate is >= 0 and <= 0.5:
            i++;
            break;
        case "--keep-going":
            keepGoing = true;
            break;
        default:
            Console.Error.WriteLine("usage: Wayland.Fuzz [--target compositor|bare|weston[,...]] [--seconds N] [--seed S] [--connections N] [--mutation-rate R] [--keep-going]");
            return 64;
    }
}

Console.WriteLine($"fuzz: seed {seed} (replay with --seed {seed}); {connections} hostile connections, {seconds} s per target: {string.Join(", ", targets)}");
Random master = new(seed);
bool passed = true;
foreach (string target in targets)
{
    passed &= new FuzzRun(target, seconds, connections, keepGoing, mutationRate * 2, master.Next()).Execute();
}

Console.WriteLine(passed ? "fuzz: PASS" : $"fuzz: FAIL (replay with --seed {seed})");
return passed ? 0 : 1;
