package dev.klingmcp.mock.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field the extension fills before each test: a {@code MockFal} or {@code MockFalExtension} (the mock), a
 * {@code MockControl} (its control), or a {@code String} (its base URL). For {@code @ExtendWith(MockFalExtension.class)}
 * users who prefer fields to parameters; with {@code @RegisterExtension} the extension field itself is the mock.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface InjectMockFal {}
