package io.sluice.security;

import io.sluice.metadata.acl.AclBinding;
import io.sluice.metadata.acl.AclOperation;
import io.sluice.metadata.acl.AclPermission;
import io.sluice.metadata.acl.PatternType;
import io.sluice.metadata.acl.ResourceType;
import io.sluice.metadata.image.AclsImage;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Decides whether a principal may perform an operation on a resource, from the ACL bindings of this
 * node's metadata image, with the rules of Kafka's StandardAuthorizer:
 * <ol>
 *   <li>when the authorizer is off ({@code authorizer.class.name} empty), everything is allowed;</li>
 *   <li>a super user ({@code super.users}) may do everything;</li>
 *   <li>a binding applies when its resource pattern covers the resource (the literal name, the literal
 *       {@code *}, or a prefix), its principal is the caller or {@code User:*}, its host the caller's
 *       address or {@code *}, and its operation covers the requested one ({@link AclOperation#covers});</li>
 *   <li>a DENY that applies wins; otherwise an ALLOW that applies allows;</li>
 *   <li>otherwise the request is denied, unless no binding at all names the resource (for any principal
 *       or operation) and {@code allow.everyone.if.no.acl.found} is true.</li>
 * </ol>
 * Both protocols' codecs ask this one service. Thread-safe: the bindings are indexed per resource type
 * once per image change, in an immutable snapshot swapped through a volatile field.
 */
public final class Authorizer {
    /** Kafka's KRaft authorizer class, accepted in {@code authorizer.class.name} to turn this one on. */
    public static final String KAFKA_CLASS = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
    /** This class's own name, accepted as well. */
    public static final String SLUICE_CLASS = Authorizer.class.getName();
    public static final Set<String> CLASS_NAMES = Set.of(KAFKA_CLASS, SLUICE_CLASS);

    private final boolean enabled;
    private final Set<String> superUsers;
    private final boolean allowIfNoAcl;
    private final Supplier<AclsImage> acls;
    private volatile Index index = new Index(null, Map.of());

    /** The bindings of one image grouped by resource type. */
    private record Index(AclsImage image, Map<ResourceType, List<AclBinding>> byType) {
    }

    /**
     * @param superUsers principals ({@code User:admin}) allowed everything
     * @param acls the current bindings (this node's metadata image)
     */
    public Authorizer(boolean enabled, Set<String> superUsers, boolean allowIfNoAcl, Supplier<AclsImage> acls) {
        this.enabled = enabled;
        this.superUsers = Set.copyOf(superUsers);
        this.allowIfNoAcl = allowIfNoAcl;
        this.acls = acls;
    }

    /** An authorizer that allows everything (no {@code authorizer.class.name}). */
    public static Authorizer disabled() {
        return new Authorizer(false, Set.of(), true, () -> AclsImage.EMPTY);
    }

    public boolean enabled() {
        return enabled;
    }

    /** Whether {@code principal} from {@code host} may perform {@code operation} on {@code type}/{@code name}. */
    public boolean authorize(String principal, String host, AclOperation operation, ResourceType type, String name) {
        if (!enabled || superUsers.contains(principal)) {
            return true;
        }
        boolean resourceHasAcls = false;
        boolean allowed = false;
        for (AclBinding binding : bindings(type)) {
            if (!binding.appliesTo(type, name)) {
                continue;
            }
            resourceHasAcls = true;
            if (!binding.appliesTo(principal, host) || !binding.operation().covers(operation, binding.permission())) {
                continue;
            }
            if (binding.permission() == AclPermission.DENY) {
                return false;
            }
            allowed = true;
        }
        return allowed || !resourceHasAcls && allowIfNoAcl;
    }

    /**
     * Whether {@code principal} may perform {@code operation} on at least one resource of {@code type}
     * (Kafka's authorizeByResourceType, used for an idempotent producer without IdempotentWrite, KIP-679):
     * some ALLOW applies to it that no DENY of the same principal and host shadows (a DENY on the literal
     * {@code *}, on the same literal name, or on a prefix of the allowed name).
     */
    public boolean authorizeAny(String principal, String host, AclOperation operation, ResourceType type) {
        if (!enabled || superUsers.contains(principal)) {
            return true;
        }
        List<AclBinding> ofType = bindings(type);
        if (ofType.isEmpty() && allowIfNoAcl) {
            return true;
        }
        List<AclBinding> denies = ofType.stream().filter(b -> b.permission() == AclPermission.DENY
                && b.appliesTo(principal, host) && b.operation().covers(operation, AclPermission.DENY)).toList();
        return ofType.stream().anyMatch(allow -> allow.permission() == AclPermission.ALLOW
                && allow.appliesTo(principal, host) && allow.operation().covers(operation, AclPermission.ALLOW)
                && denies.stream().noneMatch(deny -> shadows(deny, allow)));
    }

    private static boolean shadows(AclBinding deny, AclBinding allow) {
        if (deny.patternType() == PatternType.LITERAL) {
            return deny.resourceName().equals(AclBinding.WILDCARD) || allow.patternType() == PatternType.LITERAL
                    && deny.resourceName().equals(allow.resourceName());
        }
        return allow.resourceName().startsWith(deny.resourceName());
    }

    private List<AclBinding> bindings(ResourceType type) {
        AclsImage image = acls.get();
        Index current = index;
        if (current.image() != image) {
            Map<ResourceType, List<AclBinding>> byType = new EnumMap<>(ResourceType.class);
            for (ResourceType t : ResourceType.values()) {
                byType.put(t, image.ofType(t));
            }
            current = new Index(image, byType);
            index = current;
        }
        return current.byType().get(type);
    }
}
