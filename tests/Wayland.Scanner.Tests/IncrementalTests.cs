using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Wayland.Scanner.Generator;

namespace Wayland.Scanner.Tests;

/// <summary>Editing C# code must not re-run the scanner: only the cheap external-type lookup runs again.</summary>
public class IncrementalTests
{
    [Fact]
    public void EditingCode_KeepsTheGeneratedOutputCached()
    {
        string xml = File.ReadAllText(TestPaths.SystemWaylandXml);
        GeneratorRun first = GeneratorHarness.Run([new ProtocolFile("/p/wayland.xml", xml)]);
        Compilation edited = first.Output.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Edited { }", GeneratorRun.ParseOptions));

        GeneratorDriverRunResult second = first.Driver.RunGenerators(edited).GetRunResult();

        var steps = second.Results[0].TrackedSteps;
        Assert.All(steps[WaylandProtocolGenerator.InputStep].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        Assert.All(steps[WaylandProtocolGenerator.ExternalTypesStep].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Unchanged, o.Reason));
        Assert.All(steps[WaylandProtocolGenerator.OutputStep].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }
}
