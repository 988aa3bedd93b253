import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Starts DynamoDB Local bound to 127.0.0.1 only.
 *
 * The stock jar listens on every interface and has no host flag. This launcher builds the server exactly
 * as the jar's own main does (ServerRunner.createServerFromCommandLineArgs), reaches the private Jetty
 * Server inside DynamoDBProxyServer, sets the host of each of its connectors to 127.0.0.1 and starts it.
 *
 * Everything is done through reflection so that this file compiles against java.base alone: Java 17 runs
 * it directly as a single source file (java -cp <DynamoDBLocal.jar>:<libs> LoopbackLauncher.java ...).
 * The arguments are DynamoDB Local's own (-port, -inMemory | -dbPath, -sharedDb, -disableTelemetry).
 */
public class LoopbackLauncher {
    private static final String HOST = System.getProperty("dynamodb.host", "127.0.0.1");

    public static void main(String[] args) throws Exception {
        Class<?> runner = Class.forName("software.amazon.dynamodb.services.local.main.ServerRunner");
        Method create = runner.getMethod("createServerFromCommandLineArgs", String[].class);
        Object proxyServer = create.invoke(null, (Object) args);

        Field serverField = proxyServer.getClass().getDeclaredField("server");
        serverField.setAccessible(true);
        Object jetty = serverField.get(proxyServer);

        Object[] connectors = (Object[]) jetty.getClass().getMethod("getConnectors").invoke(jetty);
        if (connectors.length == 0) {
            throw new IllegalStateException("DynamoDB Local has no connectors to bind");
        }
        for (Object connector : connectors) {
            connector.getClass().getMethod("setHost", String.class).invoke(connector, HOST);
        }

        proxyServer.getClass().getMethod("start").invoke(proxyServer);
        System.out.println("LoopbackLauncher: DynamoDB Local listening on " + HOST);
    }
}
