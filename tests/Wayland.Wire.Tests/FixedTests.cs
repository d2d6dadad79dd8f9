namespace Wayland.Wire.Tests;

public class FixedTests
{
    [Theory]
    [InlineData(1.5, 384)]
    [InlineData(-1.5, -384)]
    [InlineData(0.0, 0)]
    [InlineData(1.0 / 256, 1)]
    [InlineData(-1.0 / 256, -1)]
    [InlineData(0.5 / 256, 0)] // tie rounds to even
    [InlineData(1.5 / 256, 2)] // tie rounds to even
    [InlineData(2.5 / 256, 2)] // tie rounds to even
    [InlineData(8388607.99609375, 0x7fffffff)]
    [InlineData(-8388608.0, int.MinValue)]
    public void FromDouble_rounds_like_libwayland(double value, int raw) => Assert.Equal(raw, Fixed.FromDouble(value).Raw);

    [Fact]
    public void FromDouble_wraps_out_of_range_values_like_libwayland()
    {
        // wl_fixed_from_double keeps the low 32 bits of the scaled value.
        Assert.Equal(unchecked((int)(8388608L * 256)), Fixed.FromDouble(8388608.0).Raw);
    }

    [Fact]
    public void ToDouble_is_exact_for_every_step()
    {
        for (int raw = -70000; raw <= 70000; raw += 7)
        {
            Fixed value = new(raw);
            Assert.Equal(raw / 256.0, value.ToDouble());
            Assert.Equal(raw, Fixed.FromDouble(value.ToDouble()).Raw);
        }
    }

    [Theory]
    [InlineData(-300, -76800)]
    [InlineData(5, 1280)]
    public void FromInt_scales_by_256(int value, int raw) => Assert.Equal(raw, Fixed.FromInt(value).Raw);

    [Theory]
    [InlineData(-385, -1)] // -1.50390625 truncates toward zero
    [InlineData(385, 1)]
    [InlineData(255, 0)]
    public void ToInt_truncates_toward_zero(int raw, int expected) => Assert.Equal(expected, new Fixed(raw).ToInt());

    [Theory]
    [InlineData(-1, "-0.00390625")]
    [InlineData(-257, "-1.00390625")]
    [InlineData(256, "1.00000000")]
    [InlineData(384, "1.50000000")]
    [InlineData(0, "0.00000000")]
    [InlineData(int.MinValue, "-8388608.00000000")]
    [InlineData(int.MaxValue, "8388607.99609375")]
    public void Formats_like_the_libwayland_logger(int raw, string text) => Assert.Equal(text, new Fixed(raw).ToString());
}
