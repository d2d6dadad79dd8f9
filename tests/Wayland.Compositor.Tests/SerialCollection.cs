namespace Wayland.Compositor.Tests;

/// <summary>
/// Tests that run real clients against an in-process compositor. They count this process's open descriptors before
/// and after, and start programs whose pipes would look like leaks to each other, so they run one at a time (after
/// the parallel tests of the assembly).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "compositor with clients";
}
