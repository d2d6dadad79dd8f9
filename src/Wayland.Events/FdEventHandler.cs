namespace Wayland.Events;

/// <summary>Called on the loop's thread when a watched descriptor is ready.</summary>
/// <param name="fd">The descriptor the source was created for (the number the caller passed).</param>
/// <param name="events">What happened; <see cref="FdEvents.None"/> for a post-dispatch check call.</param>
public delegate void FdEventHandler(int fd, FdEvents events);
