package dev.klingmcp.mock;

import java.lang.reflect.Method;
import java.time.Duration;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;

/**
 * Shows an option bound to a setter ({@code setSpeed}) with the value its getter ({@code getSpeed}/{@code isSpeed})
 * returns on the options object, so {@code --help} prints the defaults the code really uses instead of a second copy.
 */
final class GetterDefaults implements IDefaultValueProvider {

    private final Object target;

    GetterDefaults(Object target) {
        this.target = target;
    }

    @Override
    public String defaultValue(ArgSpec argSpec) throws Exception {
        if (!(argSpec.userObject() instanceof Method setter)
                || !setter.getName().startsWith("set")) {
            return null;
        }
        String property = setter.getName().substring(3);
        Method getter = getter(property);
        Object value = getter == null ? null : getter.invoke(target);
        if (value == null || value instanceof Boolean) {
            return null; // flags have no default to show, and re-applying "false" would be wrong for a given flag
        }
        return value instanceof Duration duration ? Seconds.format(duration) : value.toString();
    }

    private Method getter(String property) {
        for (String prefix : new String[] {"get", "is"}) {
            try {
                return target.getClass().getMethod(prefix + property);
            } catch (NoSuchMethodException e) {
                // try the next naming convention
            }
        }
        return null;
    }
}
