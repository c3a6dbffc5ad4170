package dev.klingmcp.mock.junit;

import dev.klingmcp.mock.MockControl;
import dev.klingmcp.mock.MockFal;
import dev.klingmcp.mock.MockFalOptions;
import dev.klingmcp.mock.fault.FaultPlan;
import dev.klingmcp.mock.report.ContractViolation;
import dev.klingmcp.mock.report.RecordedRequest;
import dev.klingmcp.mock.scenario.Scenario;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * An offline fal for JUnit 5 tests: starts a mock-fal on a free loopback port, resets it before every test, and hands
 * it to the test.
 *
 * <pre>{@code
 * class MyFalClientTest {
 *     @RegisterExtension
 *     static MockFalExtension fal = MockFalExtension.builder().build();   // one mock for the class
 *
 *     @Test
 *     @Faults("submit=429x2")                                             // two 429s with Retry-After, then it works
 *     void retriesWhenRateLimited() {
 *         MyClient client = new MyClient(fal.baseUrl(), "any-key");
 *         assertThat(client.generate(input).video()).isNotNull();
 *         assertThat(fal.control().submits().get(ENDPOINT).attempts()).isEqualTo(3);
 *         fal.assertNoContractViolations();                              // every request matched fal's documents
 *     }
 * }
 * }</pre>
 *
 * <p>Registered on a {@code static} field (or with {@code @ExtendWith(MockFalExtension.class)}) there is one mock per
 * class, reset before each test; on an instance field (or with {@code @MockFalSettings(perTest = true)}) each test gets
 * its own. Tests get it as a parameter of type {@link MockFal}, {@link MockControl} or {@code MockFalExtension}, or
 * in fields marked {@link InjectMockFal}; the extension is itself a {@link MockFal}. Clock: scaled at {@value #DEFAULT_SPEED}x by default, so a Kling job takes well
 * under a second; {@link ManualClock} stops time, {@link ClockSpeed} sets another pace. Not for tests running in
 * parallel on one shared mock: the reset between tests would cut across them.
 */
public final class MockFalExtension
        implements MockFal,
                BeforeAllCallback,
                BeforeEachCallback,
                AfterEachCallback,
                AfterAllCallback,
                ParameterResolver {

    /** Simulated seconds per real second unless told otherwise. */
    public static final double DEFAULT_SPEED = 1000;

    private final Builder config;
    private MockFal running;
    private String ownerContextId;
    private boolean perTest;

    /** The declarative form, {@code @ExtendWith(MockFalExtension.class)}: settings come from {@link MockFalSettings}. */
    public MockFalExtension() {
        this.config = null;
    }

    private MockFalExtension(Builder config) {
        this.config = config;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (running != null) {
            return; // a @Nested class inherits the outer class's mock
        }
        if (config == null && settings(context).map(MockFalSettings::perTest).orElse(false)) {
            return;
        }
        start(context);
        ownerContextId = context.getUniqueId();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (running == null) {
            start(context);
            perTest = true;
        } else {
            // Nothing from an earlier test may leak into this one: jobs, counters, faults, clock mode, the report.
            running.control().reset();
        }
        apply(context.getRequiredTestClass(), running.control());
        context.getTestMethod().ifPresent(m -> apply(m, running.control()));
        context.getTestInstances()
                .ifPresent(instances -> instances.getAllInstances().forEach(this::inject));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            if (failOnContractViolations(context)
                    && context.getExecutionException().isEmpty()) {
                assertNoContractViolations();
            }
        } finally {
            if (perTest) {
                close();
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getUniqueId().equals(ownerContextId)) {
            close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == MockFal.class || type == MockControl.class || type == MockFalExtension.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == MockControl.class ? control() : this;
    }

    @Override
    public int port() {
        return mock().port();
    }

    @Override
    public String baseUrl() {
        return mock().baseUrl();
    }

    @Override
    public MockControl control() {
        return mock().control();
    }

    /** Stops the mock now; the extension does this itself after the class (or the test). */
    @Override
    public void close() {
        if (running != null) {
            MockFal mock = running;
            running = null;
            perTest = false;
            mock.close();
        }
    }

    /** Every request since the last reset, with whether it matched fal's documents. */
    public List<RecordedRequest> requests() {
        return control().requests();
    }

    /** Fails listing every request that did not match fal's documents, and what was wrong with it, by path. */
    public void assertNoContractViolations() {
        assertNoContractViolations(this);
    }

    /** The same check for a {@link MockFal} received as a parameter. */
    public static void assertNoContractViolations(MockFal fal) {
        List<RecordedRequest> bad = fal.control().contractViolations();
        if (!bad.isEmpty()) {
            throw new AssertionError(describe(bad));
        }
    }

    /** One block per request: its line, then one indented line per violation. */
    public static String describe(List<RecordedRequest> requests) {
        StringBuilder out = new StringBuilder();
        out.append(requests.size()).append(" request(s) did not match fal's documents:");
        for (RecordedRequest r : requests) {
            out.append("\n  ").append(r.line());
            for (ContractViolation v : r.violations()) {
                out.append("\n    ").append(v);
            }
        }
        return out.toString();
    }

    /** Fills the {@link InjectMockFal} fields of a test instance (and of its superclasses). */
    private void inject(Object testInstance) {
        for (Field field : AnnotationSupport.findAnnotatedFields(testInstance.getClass(), InjectMockFal.class)) {
            Class<?> type = field.getType();
            Object value;
            if (type == MockFal.class || type == MockFalExtension.class) {
                value = this;
            } else if (type == MockControl.class) {
                value = control();
            } else if (type == String.class) {
                value = baseUrl();
            } else {
                throw new IllegalStateException("@InjectMockFal on " + field + ": the field must be a MockFal,"
                        + " MockFalExtension, MockControl or String (the base URL)");
            }
            try {
                field.setAccessible(true);
                field.set(Modifier.isStatic(field.getModifiers()) ? null : testInstance, value);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot set " + field, e);
            }
        }
    }

    private MockFal mock() {
        if (running == null) {
            throw new IllegalStateException("mock-fal is not running: use it inside a test (or @BeforeEach/@AfterEach)"
                    + " of a class that registers MockFalExtension");
        }
        return running;
    }

    private void start(ExtensionContext context) {
        MockFalOptions options = new MockFalOptions().setSpeed(DEFAULT_SPEED).setLogRequests(false);
        if (config != null) {
            config.applyTo(options);
        } else {
            settings(context).ifPresent(s -> {
                options.setStrictValidation(s.strict()).setSeed(s.seed()).setLogRequests(s.logRequests());
                for (String key : s.apiKeys()) {
                    options.addApiKey(key);
                }
            });
        }
        running = MockFal.start(options);
    }

    private boolean failOnContractViolations(ExtensionContext context) {
        return config != null
                ? config.failOnContractViolations
                : settings(context)
                        .map(MockFalSettings::failOnContractViolations)
                        .orElse(false);
    }

    private static Optional<MockFalSettings> settings(ExtensionContext context) {
        return context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, MockFalSettings.class));
    }

    /** Clock and fault annotations of a class or method, on top of the state the reset restored. */
    private static void apply(AnnotatedElement element, MockControl control) {
        AnnotationSupport.findAnnotation(element, ManualClock.class)
                .ifPresent(a -> control.setClock(Scenario.Clock.manualClock()));
        AnnotationSupport.findAnnotation(element, ClockSpeed.class)
                .ifPresent(a -> control.setClock(Scenario.Clock.scaled(a.value())));
        AnnotationSupport.findAnnotation(element, Faults.class)
                .ifPresent(a -> control.addFaults(FaultPlan.parse(a.value())));
    }

    /** Settings of a programmatically registered mock; every call returns this builder. */
    public static final class Builder {

        private boolean manualClock;
        private double speed = DEFAULT_SPEED;
        private FaultPlan faults = new FaultPlan();
        private boolean failOnContractViolations;
        private Consumer<MockFalOptions> tweak = o -> {};

        private Builder() {}

        /** Time stands still until {@code control().advanceClock(…)}. */
        public Builder manualClock() {
            this.manualClock = true;
            return this;
        }

        /** Simulated seconds per real second (default {@value MockFalExtension#DEFAULT_SPEED}). */
        public Builder speed(double speed) {
            this.manualClock = false;
            this.speed = speed;
            return this;
        }

        /** Faults active at the start of every test, text form: {@code "submit=429x2,job=stuck"}. */
        public Builder faults(String spec) {
            this.faults.merge(FaultPlan.parse(spec));
            return this;
        }

        /** Faults active at the start of every test, built in code. */
        public Builder faults(FaultPlan plan) {
            this.faults.merge(plan);
            return this;
        }

        /** After each test, fail it if the client sent anything fal's documents do not allow. */
        public Builder failOnContractViolations() {
            this.failOnContractViolations = true;
            return this;
        }

        /** Anything else {@link MockFalOptions} offers (API keys, strict validation, concurrency, seed…). */
        public Builder options(Consumer<MockFalOptions> tweak) {
            this.tweak = this.tweak.andThen(tweak);
            return this;
        }

        public MockFalExtension build() {
            return new MockFalExtension(this);
        }

        private void applyTo(MockFalOptions options) {
            options.setManualClock(manualClock).setSpeed(speed).setFaults(faults.copy());
            tweak.accept(options);
        }
    }
}
