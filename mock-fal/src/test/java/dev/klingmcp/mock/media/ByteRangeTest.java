package dev.klingmcp.mock.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.klingmcp.mock.media.ByteRange.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ByteRangeTest {

    @ParameterizedTest(name = "{0} of 1000 -> {1} {2}-{3}")
    @CsvSource(
            nullValues = "NULL",
            value = {
                "NULL,            WHOLE,         0, -1",
                "'',              WHOLE,         0, -1",
                "bytes=0-99,      PARTIAL,       0, 99",
                "bytes=990-,      PARTIAL,     990, 999",
                "bytes=-10,       PARTIAL,     990, 999",
                "bytes=-5000,     PARTIAL,       0, 999",
                "bytes=900-5000,  PARTIAL,     900, 999",
                "BYTES=1-1,       PARTIAL,       1, 1",
                "bytes=1000-,     UNSATISFIABLE, 0, -1",
                "bytes=50-10,     UNSATISFIABLE, 0, -1",
                "bytes=-0,        UNSATISFIABLE, 0, -1",
                "bytes=-,         UNSATISFIABLE, 0, -1",
                "bytes=abc,       UNSATISFIABLE, 0, -1",
                "bytes=99999999999999999999-, UNSATISFIABLE, 0, -1",
                "'bytes=0-1,5-6', WHOLE,         0, -1",
                "items=0-1,       WHOLE,         0, -1",
            })
    void resolvesAgainstAThousandByteFile(String header, Kind kind, long start, long end) {
        assertThat(ByteRange.resolve(header, 1000)).isEqualTo(new ByteRange(kind, start, end));
    }

    @ParameterizedTest
    @CsvSource({"bytes=0-", "bytes=-1"})
    void anEmptyFileCannotSatisfyAnyRange(String header) {
        assertThat(ByteRange.resolve(header, 0).kind()).isEqualTo(Kind.UNSATISFIABLE);
    }

    @ParameterizedTest
    @CsvSource({"0, 99, 100, bytes 0-99/1000", "990, 999, 10, bytes 990-999/1000"})
    void reportsLengthAndContentRange(long start, long end, long length, String contentRange) {
        ByteRange range = new ByteRange(Kind.PARTIAL, start, end);
        assertThat(range.length()).isEqualTo(length);
        assertThat(range.contentRange(1000)).isEqualTo(contentRange);
    }
}
