using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Wayland.Scanner.Tests;

/// <summary>An AdditionalFiles item held in memory; without text it is one the compiler could not read.</summary>
internal sealed class InMemoryAdditionalText(string path, string? text) : AdditionalText
{
    private readonly SourceText? _text = text is null ? null : SourceText.From(text);

    public override string Path { get; } = path;

    public override SourceText? GetText(CancellationToken cancellationToken = default) => _text;
}
