using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Wayland.Compositor.Rendering;

namespace Wayland.Benchmarks;

/// <summary>
/// The compositor's row operations on one row of a window: premultiplied source-over of an opaque and of a translucent
/// source (every pixel between a quarter and three quarters alpha, so no vector takes the copy or skip shortcut), and
/// the XRGB copy. Two jobs: the machine as it is (Vector256 on AVX2), and the same with AVX2 switched off for the
/// runtime (<c>DOTNET_EnableAVX2=0</c>), which makes the Vector128 path the main loop, as on ARM64. Allocated bytes
/// should be 0.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Jobs))]
public class BlendingBenchmarks
{
    private uint[] _destination = [];
    private uint[] _opaque = [];
    private uint[] _translucent = [];
    private uint[] _xrgb = [];

    /// <summary>Pixels in the row: a small window's width and a full-HD output's.</summary>
    [Params(250, 1920)]
    public int Width { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Random random = new(42);
        _destination = new uint[Width];
        _opaque = new uint[Width];
        _translucent = new uint[Width];
        _xrgb = new uint[Width];
        for (int i = 0; i < Width; i++)
        {
            _destination[i] = 0xFF000000 | (uint)random.Next(0x1000000);
            _opaque[i] = 0xFF000000 | (uint)random.Next(0x1000000);
            _translucent[i] = Premultiply((uint)random.Next(0x40, 0xC1), (uint)random.Next(0x1000000));
            _xrgb[i] = (uint)random.Next(0x1000000) | ((uint)random.Next(256) << 24);
        }
    }

    [Benchmark(Description = "BlendRow, opaque source")]
    public void BlendRowOpaque() => Blending.BlendRow(_destination, _opaque);

    [Benchmark(Description = "BlendRow, translucent source")]
    public void BlendRowTranslucent() => Blending.BlendRow(_destination, _translucent);

    [Benchmark(Description = "CopyOpaque (XRGB)")]
    public void CopyOpaque() => Blending.CopyOpaque(_xrgb, _destination);

    private static uint Premultiply(uint alpha, uint rgb)
    {
        uint result = alpha << 24;
        for (int shift = 0; shift < 24; shift += 8)
        {
            result |= (((rgb >> shift) & 0xFF) * alpha / 255) << shift;
        }

        return result;
    }

    private sealed class Jobs : ManualConfig
    {
        public Jobs()
        {
            AddJob(Job.ShortRun.WithId("Vector256"));
            AddJob(Job.ShortRun.WithEnvironmentVariable("DOTNET_EnableAVX2", "0").WithId("Vector128"));
        }
    }
}
