package dev.klingmcp.mock.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Faults for the annotated test (or every test of the annotated class), added after the reset, in mock-fal's text
 * form: {@code @Faults("submit=429x2")} (the next two submits answer 429 with {@code Retry-After}, then it works),
 * {@code @Faults("job=stuck")} (the next job never leaves the queue), {@code @Faults("status=503@0.2,retry_after=3")}.
 * Routes: submit, status, stream, result, cancel, sync, storage, job; see mock-fal's README for every action.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Faults {

    String value();
}
