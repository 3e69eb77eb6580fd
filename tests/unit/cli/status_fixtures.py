"""Status documents for the renderer tests.

``DEMO`` and ``WEB_K8S`` transcribe a machine model and a k8s model as Juju
prints them, so that the tabular output can be checked against Juju's layout
line for line. ``SMALL`` is a one-application model exercising the awkward cases: a
unit in error, a leader running a hook, many open ports, a long version, and
``since`` values still in the storage (ISO 8601 UTC) form.
"""

from __future__ import annotations

import copy
from typing import Any

DEMO: dict[str, Any] = {
    "model": {
        "name": "demo",
        "type": "iaas",
        "controller": "lxd-ctl",
        "cloud": "localhost",
        "region": "localhost",
        "version": "3.6.4",
        "model-status": {"current": "available", "since": "03 Mar 2025 09:12:40+01:00"},
        "sla": "unsupported",
    },
    "machines": {
        "0": {
            "juju-status": {
                "current": "started",
                "since": "03 Mar 2025 09:15:02+01:00",
                "version": "3.6.4",
            },
            "hostname": "juju-4a1b2c-0",
            "dns-name": "10.76.1.10",
            "ip-addresses": ["10.76.1.10"],
            "instance-id": "juju-4a1b2c-0",
            "machine-status": {
                "current": "running",
                "message": "Running",
                "since": "03 Mar 2025 09:14:11+01:00",
            },
            "modification-status": {"current": "applied", "since": "03 Mar 2025 09:14:05+01:00"},
            "base": {"name": "ubuntu", "channel": "22.04"},
            "network-interfaces": {
                "eth0": {
                    "ip-addresses": ["10.76.1.10"],
                    "mac-address": "00:16:3e:aa:01:10",
                    "gateway": "10.76.1.1",
                    "space": "alpha",
                    "is-up": True,
                }
            },
            "constraints": "arch=amd64",
            "hardware": "arch=amd64 cores=0 mem=0M virt-type=container",
        },
        "1": {
            "juju-status": {
                "current": "started",
                "since": "03 Mar 2025 09:16:30+01:00",
                "version": "3.6.4",
            },
            "hostname": "juju-4a1b2c-1",
            "dns-name": "10.76.1.11",
            "ip-addresses": ["10.76.1.11"],
            "instance-id": "juju-4a1b2c-1",
            "machine-status": {
                "current": "running",
                "message": "Running",
                "since": "03 Mar 2025 09:15:40+01:00",
            },
            "modification-status": {"current": "applied", "since": "03 Mar 2025 09:15:33+01:00"},
            "base": {"name": "ubuntu", "channel": "22.04"},
            "network-interfaces": {
                "eth0": {
                    "ip-addresses": ["10.76.1.11"],
                    "mac-address": "00:16:3e:aa:01:11",
                    "gateway": "10.76.1.1",
                    "space": "alpha",
                    "is-up": True,
                }
            },
            "containers": {
                "1/lxd/0": {
                    "juju-status": {
                        "current": "started",
                        "since": "03 Mar 2025 09:19:51+01:00",
                        "version": "3.6.4",
                    },
                    "hostname": "juju-4a1b2c-1-lxd-0",
                    "dns-name": "10.76.1.45",
                    "ip-addresses": ["10.76.1.45"],
                    "instance-id": "juju-4a1b2c-1-lxd-0",
                    "machine-status": {
                        "current": "running",
                        "message": "Container started",
                        "since": "03 Mar 2025 09:19:02+01:00",
                    },
                    "modification-status": {
                        "current": "applied",
                        "since": "03 Mar 2025 09:18:58+01:00",
                    },
                    "base": {"name": "ubuntu", "channel": "22.04"},
                    "constraints": "arch=amd64",
                    "hardware": "arch=amd64 cores=0 mem=0M virt-type=container",
                }
            },
            "constraints": "arch=amd64",
            "hardware": "arch=amd64 cores=0 mem=0M virt-type=container",
        },
    },
    "applications": {
        "nrpe": {
            "charm": "nrpe",
            "base": {"name": "ubuntu", "channel": "22.04"},
            "charm-origin": "charmhub",
            "charm-name": "nrpe",
            "charm-rev": 165,
            "charm-channel": "latest/stable",
            "exposed": False,
            "application-status": {
                "current": "blocked",
                "message": "Nagios server not configured or related",
                "since": "03 Mar 2025 09:21:07+01:00",
            },
            "relations": {
                "general-info": [
                    {
                        "related-application": "postgresql",
                        "interface": "juju-info",
                        "scope": "container",
                    }
                ]
            },
            "subordinate-to": ["postgresql"],
            "endpoint-bindings": {"": "alpha", "general-info": "alpha", "monitors": "alpha"},
        },
        "postgresql": {
            "charm": "postgresql",
            "base": {"name": "ubuntu", "channel": "22.04"},
            "charm-origin": "charmhub",
            "charm-name": "postgresql",
            "charm-rev": 468,
            "charm-channel": "14/stable",
            "exposed": False,
            "application-status": {
                "current": "active",
                "message": "Primary",
                "since": "03 Mar 2025 09:22:15+01:00",
            },
            "relations": {
                "database-peers": [
                    {
                        "related-application": "postgresql",
                        "interface": "postgresql_peers",
                        "scope": "global",
                    }
                ],
                "juju-info": [
                    {"related-application": "nrpe", "interface": "juju-info", "scope": "container"}
                ],
            },
            "units": {
                "postgresql/0": {
                    "workload-status": {
                        "current": "active",
                        "message": "Primary",
                        "since": "03 Mar 2025 09:22:15+01:00",
                    },
                    "juju-status": {
                        "current": "idle",
                        "since": "03 Mar 2025 09:22:20+01:00",
                        "version": "3.6.4",
                    },
                    "leader": True,
                    "machine": "0",
                    "open-ports": ["5432/tcp"],
                    "public-address": "10.76.1.10",
                    "subordinates": {
                        "nrpe/0": {
                            "workload-status": {
                                "current": "blocked",
                                "message": "Nagios server not configured or related",
                                "since": "03 Mar 2025 09:21:07+01:00",
                            },
                            "juju-status": {
                                "current": "idle",
                                "since": "03 Mar 2025 09:21:09+01:00",
                                "version": "3.6.4",
                            },
                            "leader": True,
                            "open-ports": ["5666/tcp", "icmp"],
                            "public-address": "10.76.1.10",
                        }
                    },
                }
            },
            "version": "14.12",
            "endpoint-bindings": {
                "": "alpha",
                "database": "alpha",
                "database-peers": "alpha",
                "juju-info": "alpha",
            },
        },
        "wordpress": {
            "charm": "local:wordpress-0",
            "base": {"name": "ubuntu", "channel": "22.04"},
            "charm-origin": "local",
            "charm-name": "wordpress",
            "charm-rev": 0,
            "exposed": True,
            "application-status": {
                "current": "maintenance",
                "message": "installing plugins",
                "since": "03 Mar 2025 09:23:41+01:00",
            },
            "relations": {
                "db": [{"related-application": "mysql", "interface": "mysql", "scope": "global"}]
            },
            "units": {
                "wordpress/0": {
                    "workload-status": {
                        "current": "active",
                        "message": "ready",
                        "since": "03 Mar 2025 09:23:02+01:00",
                    },
                    "juju-status": {
                        "current": "idle",
                        "since": "03 Mar 2025 09:23:05+01:00",
                        "version": "3.6.4",
                    },
                    "leader": True,
                    "machine": "1",
                    "open-ports": ["80/tcp", "443/tcp"],
                    "public-address": "10.76.1.11",
                },
                "wordpress/1": {
                    "workload-status": {
                        "current": "maintenance",
                        "message": "installing plugins",
                        "since": "03 Mar 2025 09:23:41+01:00",
                    },
                    "juju-status": {
                        "current": "executing",
                        "message": "running config-changed hook",
                        "since": "03 Mar 2025 09:23:40+01:00",
                        "version": "3.6.4",
                    },
                    "machine": "1/lxd/0",
                    "public-address": "10.76.1.45",
                },
            },
            "version": "6.4.3",
            "endpoint-bindings": {"": "alpha", "db": "alpha", "website": "alpha"},
        },
    },
    "application-endpoints": {
        "mysql": {
            "url": "lxd-ctl:admin/db.mysql",
            "endpoints": {"db": {"interface": "mysql", "role": "provider"}},
            "application-status": {"current": "active", "since": "03 Mar 2025 09:20:30+01:00"},
            "relations": {"db": ["wordpress"]},
        }
    },
    "offers": {
        "pg": {
            "application": "postgresql",
            "charm": "ch:amd64/postgresql-468",
            "total-connected-count": 1,
            "active-connected-count": 1,
            "endpoints": {"database": {"interface": "postgresql_client", "role": "provider"}},
        }
    },
    "storage": {
        "storage": {
            "pgdata/0": {
                "kind": "filesystem",
                "life": "alive",
                "status": {"current": "attached", "since": "03 Mar 2025 09:15:30+01:00"},
                "persistent": False,
                "attachments": {
                    "units": {
                        "postgresql/0": {
                            "machine": "0",
                            "location": "/var/snap/charmed-postgresql/common",
                            "life": "alive",
                        }
                    }
                },
            }
        },
        "filesystems": {
            "0/0": {
                "provider-id": "0/0",
                "storage": "pgdata/0",
                "attachments": {
                    "machines": {
                        "0": {
                            "mount-point": "/var/snap/charmed-postgresql/common",
                            "read-only": False,
                            "life": "alive",
                        }
                    },
                    "units": {
                        "postgresql/0": {
                            "machine": "0",
                            "location": "/var/snap/charmed-postgresql/common",
                            "life": "alive",
                        }
                    },
                },
                "pool": "rootfs",
                "size": 10240,
                "life": "alive",
                "status": {"current": "attached", "since": "03 Mar 2025 09:15:30+01:00"},
            }
        },
    },
    "controller": {"timestamp": "09:24:10+01:00"},
}

WEB_K8S: dict[str, Any] = {
    "model": {
        "name": "web",
        "type": "caas",
        "controller": "k8s-ctl",
        "cloud": "k8s",
        "region": "localhost",
        "version": "3.6.4",
        "model-status": {"current": "available", "since": "03 Mar 2025 10:00:00+01:00"},
        "sla": "unsupported",
    },
    "machines": {},
    "applications": {
        "snappass-test": {
            "charm": "snappass-test",
            "base": {"name": "ubuntu", "channel": "20.04"},
            "charm-origin": "charmhub",
            "charm-name": "snappass-test",
            "charm-rev": 9,
            "charm-channel": "latest/stable",
            "scale": 1,
            "provider-id": "0e6a7d3c-8f55-4a5e-9d43-7a0c2f1b9e21",
            "address": "10.152.183.40",
            "exposed": False,
            "application-status": {
                "current": "active",
                "message": "snappass started",
                "since": "03 Mar 2025 10:02:10+01:00",
            },
            "units": {
                "snappass-test/0": {
                    "workload-status": {
                        "current": "active",
                        "message": "snappass started",
                        "since": "03 Mar 2025 10:02:10+01:00",
                    },
                    "juju-status": {
                        "current": "idle",
                        "since": "03 Mar 2025 10:02:12+01:00",
                        "version": "3.6.4",
                    },
                    "leader": True,
                    "address": "10.1.20.77",
                    "provider-id": "snappass-test-0",
                }
            },
        }
    },
    "storage": {},
    "controller": {"timestamp": "10:02:30+01:00"},
}

SINCE = "2026-11-25T12:00:00.123456+00:00"

SMALL: dict[str, Any] = {
    "model": {
        "name": "small",
        "type": "iaas",
        "controller": "local",
        "cloud": "localhost",
        "version": "3.6.4",
        "model-status": {"current": "available", "since": SINCE},
    },
    "machines": {
        "0": {
            "juju-status": {"current": "started", "since": SINCE, "version": "3.6.4"},
            "hostname": "small-0",
            "dns-name": "10.0.0.10",
            "ip-addresses": ["10.0.0.10"],
            "instance-id": "small-0",
            "machine-status": {"current": "running", "message": "Running", "since": SINCE},
            "modification-status": {"current": "idle", "since": SINCE},
            "base": {"name": "ubuntu", "channel": "24.04"},
            "hardware": "arch=amd64 cores=2 mem=4096M availability-zone=az1",
        },
        "1": {
            "juju-status": {"current": "started", "since": SINCE, "version": "3.6.4"},
            "hostname": "small-1",
            "dns-name": "10.0.0.11",
            "ip-addresses": ["10.0.0.11"],
            "instance-id": "small-1",
            "display-name": "web-box",
            "machine-status": {"current": "running", "message": "Running", "since": SINCE},
            "modification-status": {"current": "idle", "since": SINCE},
            "base": {"name": "ubuntu", "channel": "24.04/stable"},
            "hardware": "arch=amd64 cores=2 mem=4096M availability-zone=az2",
        },
    },
    "applications": {
        "web": {
            "charm": "local:web-3",
            "base": {"name": "ubuntu", "channel": "24.04"},
            "charm-origin": "local",
            "charm-name": "web",
            "charm-rev": 3,
            "exposed": False,
            "application-status": {
                "current": "error",
                "message": 'hook failed: "install"',
                "since": SINCE,
            },
            "units": {
                "web/1": {
                    "workload-status": {
                        "current": "error",
                        "message": 'hook failed: "install"',
                        "since": SINCE,
                    },
                    "juju-status": {
                        "current": "error",
                        "message": 'hook failed: "install"',
                        "since": SINCE,
                        "version": "3.6.4",
                    },
                    "machine": "1",
                    "public-address": "10.0.0.11",
                },
                "web/0": {
                    "workload-status": {
                        "current": "maintenance",
                        "message": "configuring",
                        "since": SINCE,
                    },
                    "juju-status": {
                        "current": "executing",
                        "message": "running config-changed hook",
                        "since": SINCE,
                        "version": "3.6.4",
                    },
                    "leader": True,
                    "machine": "0",
                    "open-ports": ["443/tcp", "80/tcp", "8081/tcp", "8080/tcp", "53/udp", "icmp"],
                    "public-address": "10.0.0.10",
                },
            },
            "version": "1.2.3-very-long-version\nsecond line",
        }
    },
    "storage": {},
    "controller": {"timestamp": "13:00:00+01:00"},
}


def fresh(doc: dict[str, Any]) -> dict[str, Any]:
    """A deep copy, so a test can modify a fixture without leaking into others."""
    return copy.deepcopy(doc)
