package dev.klingmcp.mock.junit;

import static dev.klingmcp.mock.junit.Http.GOOD_INPUT;
import static dev.klingmcp.mock.junit.Http.STANDARD;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

class PerTestExtensionTest {

    private static final Set<Object> CONTROLS = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    @RegisterExtension
    final MockFalExtension fal =
            MockFalExtension.builder().failOnContractViolations().build();

    @RepeatedTest(2)
    void anInstanceFieldGivesEachTestItsOwnMock() {
        assertThat(CONTROLS.add(fal.control())).isTrue();
        assertThat(Http.post(fal.baseUrl(), "/" + STANDARD, GOOD_INPUT).statusCode())
                .isEqualTo(200);
    }
}
