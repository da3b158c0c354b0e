package io.sluice.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.sluice.server.NodeConfig;
import io.sluice.tools.broker.BrokerCommand;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/compose.yaml and deploy/kubernetes/*.yaml, without an engine or a cluster: each
 * Kubernetes object read into the Kubernetes API's own types (fabric8's model, generated from the
 * API's OpenAPI schema: a misspelt or misplaced field, or a value of the wrong type, fails), the
 * fields a working deployment needs, names that refer to each other agreeing, and every node's
 * settings (the image's environment, then the file's, with Kubernetes' field references and
 * {@code $(VAR)} expanded per pod) accepted by {@link NodeConfig}, with ports, addresses, probes and
 * volumes matching them.
 */
@Timeout(60)
class DeploymentFilesIT {
    private static final Path DEPLOY = FreshClone.ROOT.resolve("deploy");
    private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Test
    void composeRunsThreeVotersWhoseSettingsAddressesAndPortsAgree() throws Exception {
        Map<String, Object> compose = new Yaml().load(Files.readString(DEPLOY.resolve("compose.yaml")));
        Map<String, Object> services = map(compose.get("services"));
        assertEquals(Set.of("sluice-1", "sluice-2", "sluice-3"), services.keySet());
        Map<Integer, String> voters = null;
        for (Map.Entry<String, Object> s : services.entrySet()) {
            Map<String, Object> service = map(s.getValue());
            assertEquals(imageName(), service.get("image"), s.getKey());
            assertEquals(s.getKey(), service.get("hostname"));
            Map<String, String> env = imageEnvironment();
            map(service.get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
            NodeConfig config = NodeConfig.from(BrokerCommand.fromEnvironment(env));
            int id = Integer.parseInt(s.getKey().substring("sluice-".length()));
            assertEquals(id, config.nodeId());
            assertEquals(s.getKey() + ":19092", config.raftAddress());
            assertEquals(config.raftAddress(), config.voters().get(id), "its own entry in voters");
            voters = voters == null ? config.voters() : voters;
            assertEquals(voters, config.voters(), "every node has the same voters");
            assertEquals(s.getKey(), config.advertised().getHostString(), "advertised on the compose network");
            // Published ports: the EXTERNAL listener's advertised port on the host, and metrics.
            Map<String, String> listeners = listenerAddresses(env.get("SLUICE_LISTENERS"));
            Map<String, String> advertised = listenerAddresses(env.get("SLUICE_ADVERTISED_LISTENERS"));
            String externalPort = port(listeners.get("EXTERNAL"));
            String hostPort = port(advertised.get("EXTERNAL"));
            List<String> ports = strings(service.get("ports"));
            assertTrue(ports.contains(hostPort + ":" + externalPort), s.getKey() + " " + ports);
            assertTrue(ports.contains((10091 + id) + ":" + config.metricsPort()), s.getKey() + " " + ports);
            assertTrue(strings(service.get("volumes")).contains(s.getKey() + ":" + config.dataDir()), s.getKey());
            String check = String.join(" ", strings(map(service.get("healthcheck")).get("test")));
            assertTrue(check.contains("/dev/tcp/127.0.0.1/" + config.metricsPort()) && check.contains("GET /ready"), check);
        }
        assertEquals(Set.of(1, 2, 3), voters.keySet());
        assertEquals(services.keySet(), map(compose.get("volumes")).keySet());
    }

    @Test
    void kubernetesObjectsAreValidApiObjectsAndAStatefulSetOfReadyProbedVoters() throws Exception {
        List<Object> docs = new ArrayList<>();
        try (var files = Files.list(DEPLOY.resolve("kubernetes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                new Yaml().loadAll(Files.readString(file)).forEach(d -> {
                    if (d != null) {
                        docs.add(d);
                    }
                });
            }
        }
        Map<String, Service> services = new LinkedHashMap<>();
        StatefulSet set = null;
        PodDisruptionBudget pdb = null;
        for (Object doc : docs) {
            Map<String, Object> object = map(doc);
            Object typed = switch (object.get("apiVersion") + " " + object.get("kind")) {
                case "v1 Service" -> STRICT.convertValue(object, Service.class);
                case "apps/v1 StatefulSet" -> STRICT.convertValue(object, StatefulSet.class);
                case "policy/v1 PodDisruptionBudget" -> STRICT.convertValue(object, PodDisruptionBudget.class);
                default -> fail("unexpected object " + object.get("apiVersion") + " " + object.get("kind"));
            };
            assertNoUnknownFields(typed, object.get("kind").toString());
            if (typed instanceof Service s) {
                services.put(s.getMetadata().getName(), s);
            } else if (typed instanceof StatefulSet s) {
                set = s;
            } else {
                pdb = (PodDisruptionBudget) typed;
            }
        }
        assertNotNull(set, "no StatefulSet");
        assertNotNull(pdb, "no PodDisruptionBudget");
        var spec = set.getSpec();
        Map<String, String> podLabels = spec.getTemplate().getMetadata().getLabels();
        assertEquals(spec.getSelector().getMatchLabels(), podLabels);
        assertEquals(podLabels, pdb.getSpec().getSelector().getMatchLabels());
        assertEquals(new IntOrString(1), pdb.getSpec().getMaxUnavailable());
        Service headless = services.get(spec.getServiceName());
        assertNotNull(headless, "serviceName " + spec.getServiceName() + " names no Service");
        assertEquals("None", headless.getSpec().getClusterIP());
        assertEquals(Boolean.TRUE, headless.getSpec().getPublishNotReadyAddresses(),
                "pods must resolve each other before they are ready, or the quorum never forms");
        services.values().forEach(s -> assertEquals(podLabels, s.getSpec().getSelector(), s.getMetadata().getName()));
        assertEquals("Parallel", spec.getPodManagementPolicy());
        assertEquals(3, spec.getReplicas());

        Container container = spec.getTemplate().getSpec().getContainers().get(0);
        assertEquals(imageName(), container.getImage());
        assertEquals(Long.valueOf(imageUser()), spec.getTemplate().getSpec().getSecurityContext().getRunAsUser());
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (ContainerPort p : container.getPorts()) {
            ports.put(p.getName(), p.getContainerPort());
        }
        for (Service s : services.values()) {
            s.getSpec().getPorts().forEach(p -> assertTrue(ports.containsKey(p.getTargetPort().getStrVal()),
                    s.getMetadata().getName() + " targets port " + p.getTargetPort()));
        }
        String claim = spec.getVolumeClaimTemplates().get(0).getMetadata().getName();
        for (int index = 0; index < spec.getReplicas(); index++) {
            String pod = set.getMetadata().getName() + "-" + index;
            NodeConfig config = NodeConfig.from(BrokerCommand.fromEnvironment(podEnvironment(container, pod, index)));
            assertEquals(index, config.nodeId());
            String dns = pod + "." + headless.getMetadata().getName();
            assertEquals(dns + ":" + ports.get("raft"), config.raftAddress());
            assertEquals(config.raftAddress(), config.voters().get(index));
            assertEquals(new InetSocketAddress(dns, ports.get("kafka")).getHostString(), config.advertised().getHostString());
            assertEquals(ports.get("kafka"), config.listen().getPort());
            assertEquals(ports.get("kafka"), config.advertised().getPort());
            assertEquals(ports.get("metrics"), config.metricsPort());
            assertEquals(spec.getReplicas(), config.voters().size());
            assertTrue(container.getVolumeMounts().stream().anyMatch(m -> m.getName().equals(claim)
                    && Path.of(m.getMountPath()).equals(config.dataDir())), "the claim is mounted at data.dir");
        }
        assertProbe(container.getReadinessProbe().getHttpGet(), "/ready", ports);
        assertProbe(container.getLivenessProbe().getHttpGet(), "/-/healthy", ports);
    }

    private static void assertProbe(HTTPGetAction get, String path, Map<String, Integer> ports) {
        assertEquals(path, get.getPath());
        assertEquals("metrics", get.getPort().getStrVal(), "probed on the metrics port, where " + path + " is served");
    }

    /**
     * The container's environment in pod {@code pod}: the image's, then the container's, with field
     * references resolved as the kubelet would and {@code $(NAME)} replaced by variables before it.
     */
    private static Map<String, String> podEnvironment(Container container, String pod, int index) throws Exception {
        Map<String, String> env = imageEnvironment();
        Pattern ref = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
        for (EnvVar v : container.getEnv()) {
            String value;
            if (v.getValueFrom() != null) {
                String field = v.getValueFrom().getFieldRef().getFieldPath();
                value = switch (field) {
                    case "metadata.name" -> pod;
                    case "metadata.labels['apps.kubernetes.io/pod-index']" -> Integer.toString(index);
                    default -> fail("field reference " + field + " is not resolved by this test");
                };
            } else {
                Matcher m = ref.matcher(v.getValue());
                StringBuilder out = new StringBuilder();
                while (m.find()) {
                    String name = m.group(1);
                    assertTrue(env.containsKey(name), "$(" + name + ") refers to no variable defined before it");
                    m.appendReplacement(out, Matcher.quoteReplacement(env.get(name)));
                }
                value = m.appendTail(out).toString();
            }
            env.put(v.getName(), value);
        }
        return env;
    }

    /**
     * Fails on a field the Kubernetes API's type does not have: fabric8's types keep those in
     * additionalProperties instead of refusing them, so every object reachable is looked at.
     */
    private static void assertNoUnknownFields(Object object, String where) throws Exception {
        walk(object, where, new IdentityHashMap<>());
    }

    private static void walk(Object o, String where, IdentityHashMap<Object, Boolean> seen) throws Exception {
        if (o == null || seen.put(o, true) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            for (Object e : c) {
                walk(e, where, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (Object e : m.values()) {
                walk(e, where, seen);
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : o.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value = getter.invoke(o);
            String path = where + "." + getter.getName().substring(3);
            if (getter.getName().equals("getAdditionalProperties")) {
                assertTrue(value == null || ((Map<?, ?>) value).isEmpty(),
                        "fields the Kubernetes API does not know at " + where + ": " + value);
            } else {
                walk(value, path, seen);
            }
        }
    }

    /** The image's environment, as deploy/image/pom.xml gives it to Jib. */
    private static Map<String, String> imageEnvironment() throws Exception {
        Element environment = (Element) imagePom().getElementsByTagName("environment").item(0);
        Map<String, String> env = new LinkedHashMap<>();
        for (Node n = environment.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                env.put(e.getTagName(), e.getTextContent().trim());
            }
        }
        assertTrue(env.containsKey("SLUICE_DATA_DIR"), env.toString());
        return env;
    }

    private static String imageName() throws Exception {
        String version = FreshClone.builtDistribution().getFileName().toString().substring("sluice-".length());
        return imagePom().getElementsByTagName("image.name").item(0).getTextContent().trim()
                .replace("${project.version}", version);
    }

    private static int imageUser() throws Exception {
        return Integer.parseInt(imagePom().getElementsByTagName("user").item(0).getTextContent().split(":")[0]);
    }

    private static org.w3c.dom.Document imagePom() throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(DEPLOY.resolve("image/pom.xml").toFile());
    }

    private static Map<String, String> listenerAddresses(String listeners) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String l : listeners.split(",")) {
            out.put(l.substring(0, l.indexOf("://")), l.substring(l.indexOf("://") + 3));
        }
        return out;
    }

    private static String port(String hostPort) {
        return hostPort.substring(hostPort.lastIndexOf(':') + 1);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertTrue(o instanceof Map, "expected a mapping, got " + o);
        return (Map<String, Object>) o;
    }

    private static List<String> strings(Object o) {
        assertTrue(o instanceof List, "expected a list, got " + o);
        return ((List<?>) o).stream().map(String::valueOf).toList();
    }
}
