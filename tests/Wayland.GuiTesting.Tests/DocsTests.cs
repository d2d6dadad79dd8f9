using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Wayland.GuiTesting.Tests;

[Collection(nameof(GuiSessionTests))] // opens files: not beside tests that count descriptors
public class DocsTests
{
    /// <summary>Each code block of docs/gui-testing.md marked <c>&lt;!-- include: PATH --&gt;</c> is the file at PATH, unchanged.</summary>
    [Fact]
    public void The_framework_examples_in_the_docs_are_the_example_projects_code()
    {
        string root = Path.GetFullPath(Path.Combine(SourceDirectory(), "..", ".."));
        string docs = File.ReadAllText(Path.Combine(root, "docs", "gui-testing.md"));
        MatchCollection includes = Regex.Matches(docs, "<!-- include: (?<path>[^ ]+) -->\n```[a-z]*\n(?<code>.*?)```\n", RegexOptions.Singleline);
        Assert.Equal(3, includes.Count);
        foreach (Match include in includes)
        {
            string path = include.Groups["path"].Value;
            Assert.True(File.ReadAllText(Path.Combine(root, path)) == include.Groups["code"].Value,
                $"the block after <!-- include: {path} --> in docs/gui-testing.md differs from the file; copy the file into the docs");
        }
    }

    private static string SourceDirectory([CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;
}
