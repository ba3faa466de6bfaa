"""Stands in for dockerd in the boot rehearsal, on the socket systemd's docker.socket passes it.

A real dockerd would set up a bridge, NAT rules and kernel modules, and could not pull an image
from this machine anyway. This answers the Docker API just far enough for the real docker CLI and
its compose plugin to go through `docker compose up` and `docker compose run` (which creates the
project's network first) to the point where the images would be pulled, and logs every request (one journal line each), so the rehearsal can show how far the
host's units got. The pull itself fails, as it would without a registry.
"""
import json
import os
import re
import socket
import socketserver
import sys
from http.server import BaseHTTPRequestHandler

API_VERSION = "1.45"

# Networks compose created, by name and by id: what it asked for, as the engine would keep it.
NETWORKS = {}


class Engine(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=None, content_type="application/json"):
        data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        self.send_response(status)
        self.send_header("Api-Version", API_VERSION)
        self.send_header("Ostype", "linux")
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.close_connection = True

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = re.sub(r"^/v[0-9.]+", "", self.path)
        print(f"docker engine stand-in: {self.command} {path} ({self.headers.get('User-Agent', '')})", flush=True)
        route = path.split("?")[0]
        if route == "/_ping":
            self.answer(200, b"OK", "text/plain")
        elif route == "/version":
            self.answer(200, {"ApiVersion": API_VERSION, "MinAPIVersion": "1.24", "Version": "26.1.5", "Os": "linux", "Arch": "amd64"})
        elif route == "/info":
            self.answer(200, {"OSType": "linux", "Architecture": "x86_64", "ServerVersion": "26.1.5"})
        elif self.command == "GET" and route == "/networks":
            self.answer(200, list({network["Id"]: network for network in NETWORKS.values()}.values()))
        elif self.command == "GET" and route in ("/containers/json", "/images/json"):
            self.answer(200, [])
        elif self.command == "GET" and route == "/volumes":
            self.answer(200, {"Volumes": [], "Warnings": []})
        elif self.command == "GET" and route.startswith("/images/") and route.endswith("/json"):
            self.answer(404, {"message": f"No such image: {route[len('/images/'):-len('/json')]}"})
        elif self.command == "POST" and route == "/networks/create":
            request = json.loads(body or b"{}")
            network = {"Name": request.get("Name", ""), "Id": f"rehearsal{len(NETWORKS):059d}", "Driver": request.get("Driver", "bridge"),
                       "Labels": request.get("Labels") or {}, "Options": request.get("Options") or {}, "IPAM": request.get("IPAM") or {}}
            NETWORKS[network["Name"]] = NETWORKS[network["Id"]] = network
            self.answer(201, {"Id": network["Id"], "Warning": ""})
        elif self.command == "GET" and route.startswith("/networks/"):
            network = NETWORKS.get(route[len("/networks/"):])
            self.answer(200, network) if network else self.answer(404, {"message": f"network {route[len('/networks/'):]} not found"})
        elif self.command == "POST" and route == "/images/create":
            print(f"docker engine stand-in: PULL {path}", flush=True)
            self.answer(503, {"message": "boot rehearsal: no image is pulled here"})
        else:
            self.answer(503, {"message": f"boot rehearsal: the stand-in does not serve {self.command} {route}"})

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = handle_any


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def main():
    if os.environ.get("LISTEN_FDS") != "1":
        sys.exit("docker engine stand-in: expects one socket from systemd (docker.socket)")
    server = Server("", Engine, bind_and_activate=False)
    server.socket = socket.socket(fileno=3)
    print("docker engine stand-in: serving the Docker API socket", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
