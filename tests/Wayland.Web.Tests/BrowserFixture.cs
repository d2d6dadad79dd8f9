using Microsoft.Playwright;

namespace Wayland.Web.Tests;

/// <summary>
/// One headless chromium for a test class: Debian's /usr/bin/chromium driven by Playwright (the driver ships in the
/// NuGet package; no browser is downloaded). Each test opens its own page.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: scripts/install-deps.sh installs Debian's chromium");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Timeout = 30_000,
            // No GPU and no shared-memory surprises in containers.
            Args = ["--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A page big enough to show an output of <paramref name="width"/> x <paramref name="height"/> unscaled.</summary>
    public async Task<IPage> NewPageAsync(int width, int height)
    {
        IPage page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width + 40, Height = height + 80 } });
        page.SetDefaultTimeout(20_000);
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
