# Socket Tester: the words of the user interface, in English (the fallback language).
# Every message here must also be in i18n/zh-CN/socket_tester.ftl, with the same $arguments;
# `fl!` checks ids and arguments against this file when the program is built.

## Tabs and top bar.

app-title = Socket Tester
tab-udp-sender = UDP Sender
tab-udp-receiver = UDP Receiver
tab-tcp-client = TCP Client
tab-tcp-server = TCP Server
tab-relay = Relay
tab-running = { $name } is running

## Menus.

menu-view = View
menu-simple = Simple mode (for lessons)
menu-simple-tip = Each tab shows the lesson's fields, the send box and the log; the other options fold behind More, the tools behind Tools.
tab-more = More ▾
tab-more-tip = The other options: socket options, framing, writes, TLS, multicast, backlog…
menu-language = Language
menu-labs = Labs
menu-network-panel = Network panel
menu-timeline = Timeline
menu-tcp-diagram = TCP diagram
menu-learn = Learn: TCP and UDP
learn-title = Learn: TCP and UDP
learn-aspect = Aspect
learn-udp = UDP (SOCK_DGRAM)
learn-tcp = TCP (SOCK_STREAM)
learn-connection = Connection
learn-udp-connection = None: each sendto() names the receiver
learn-tcp-connection = Set up first: three-way handshake (SYN, SYN+ACK, ACK)
learn-reliability = Reliability
learn-udp-reliability = Best effort: a lost datagram is simply gone
learn-tcp-reliability = Acknowledged and re-sent until it arrives
learn-ordering = Ordering
learn-udp-ordering = Datagrams may arrive out of order
learn-tcp-ordering = Bytes arrive in the order they were sent
learn-boundaries = Message boundaries
learn-udp-boundaries = Kept: one sendto() = one datagram = one row
learn-tcp-boundaries = None: a byte stream; two sends may arrive as one chunk
learn-overhead = Header overhead
learn-udp-overhead = 8-byte header
learn-tcp-overhead = 20-byte header (at least)
learn-uses = Typical uses
learn-udp-uses = DNS, streaming, games, device discovery
learn-tcp-uses = Web, e-mail, file transfer, remote login
learn-calls = Socket calls
learn-udp-calls = UDP: socket() → bind() → sendto() / recvfrom() → close()
learn-udp-answers = UDP has no connection, yet the network still answers: send a datagram to a port where nothing listens and the other host replies with ICMP "port unreachable", which the UDP tab shows in its log.
learn-tcp-server-calls = TCP server: socket() → bind() → listen(backlog) → accept() → recv()/send() → close()
learn-tcp-client-calls = TCP client: socket() → connect() → send()/recv() → close()
learn-terms = Terms (point at one)
learn-stream = TCP is a stream: "sticky" and "split" packets (粘包 / 拆包)
learn-stream-sticky = • 粘包 (sticky packets): two send() calls arrive in one recv(), e.g. "one\n" and "two\n" read as "one\ntwo\n".
learn-stream-split = • 拆包 (split packets): one send() arrives over several recv() calls, e.g. "hello" read as "he" then "llo".
learn-stream-why = • Why: TCP delivers bytes in order but keeps no message boundaries. Most often the receiver reads late — busy, or slower than the sender — and one recv() returns everything that arrived meanwhile. The sender's writes, Nagle's algorithm and segment sizes decide where chunks fall too. UDP keeps boundaries: one sendto() is one datagram.
learn-stream-fix = • The fix is framing, agreed by both sides: a delimiter (a line feed, 0x03), a length prefix (2 or 4 bytes before each message) or a fixed size. The receiver collects bytes until a whole message is there (Framing on the TCP tabs).
learn-stream-try = • Try it: Labs ▸ TCP is a stream (the server pauses reading, the client sends three times, the server resumes: one recv()), Pause reading on a TCP tab, or a TCP tab's Writes menu (split each message, or several messages in one write).
term-port = port
term-port-tip = A number (0–65535) that names one program's socket on a computer; 0–1023 are well-known ports
term-bind = bind
term-bind-tip = Give a socket its local address and port, so others know where to send
term-backlog = listen backlog
term-backlog-tip = How many finished handshakes may wait for accept() before new ones are refused
term-datagram = datagram
term-datagram-tip = One UDP message: sent whole, received whole, or lost whole
term-stream = stream
term-stream-tip = TCP's data: an ordered flow of bytes with no message boundaries
term-fin = FIN
term-fin-tip = "I have finished sending": one side's orderly close; the other may still send
term-rst = RST
term-rst-tip = Reset: the connection is aborted at once, e.g. nothing listens on that port
menu-theme = Theme
theme-system = Follow the system
theme-light = Light
theme-dark = Dark
theme-high-contrast = High contrast
menu-zoom-in = Zoom in (Ctrl +)
menu-zoom-out = Zoom out (Ctrl -)
menu-zoom-reset = Actual size (Ctrl 0)
menu-zoom-now = Zoom: { $pct }%
menu-lab-udp = Loopback lab: UDP sender → receiver
menu-lab-tcp = Loopback lab: TCP client ↔ server
menu-lab-stream = Loopback lab: TCP is a stream (粘包)
menu-lab-stream-tip = Three send() calls made while the server is not reading come out of one recv() when it resumes; framing by lines makes them three rows again
menu-lab-close = Close the split view
menu-preset-save = Save preset…
menu-preset-load = Open preset…

## Network panel.

net-title = This machine's network
net-refresh = Refresh
net-none = No network interfaces were found.
net-error = Cannot list the interfaces: { $err }
net-click-hint = Click an address to put it into the current tab's host field.
net-filled = { $addr } → { $tab }
net-all-interfaces = All interfaces
class-loopback = loopback
class-private = private (内网)
class-link-local = link-local
class-cgnat = CGNAT (100.64/10)
class-public = public (外网)
class-unspecified = all interfaces
class-multicast = multicast
class-broadcast = broadcast
class-unique-local = private (unique local)
explain-loopback = This machine only: programs on this computer reach it, other computers never do.
explain-private = A private address of the local network (内网): unique on this LAN, not routed on the Internet; the router shares one public address for the whole LAN.
explain-link-local = Valid only on this one network link, assigned automatically when nothing else is; other networks cannot reach it.
explain-cgnat = Your provider's shared address space (carrier-grade NAT): like a private address, but on the provider's side; the Internet does not see it.
explain-public = A public address (外网): globally unique and routed on the Internet, so other networks can reach it directly.
explain-unspecified = Not one address but every interface of this machine: a socket bound here is reachable on all of them.
explain-multicast = A group address: one datagram reaches every member of the group.
explain-broadcast = Every computer on the local network segment receives datagrams sent here.
explain-unique-local = An IPv6 private address (fc00::/7) for the local network (内网), not routed on the Internet.

## Address and port fields.

field-use-port = Use port { $port }
port-well-known-warning = ⚠ Well-known port (0–1023): the lesson says programs should not use these; pick one from 1024 to 65535
port-well-known = well-known port (0–1023)
port-registered = registered port (1024–49151)
port-dynamic = dynamic port (49152–65535)
port-well-known-tip = Ports 0–1023 belong to well-known services (80 = HTTP, 53 = DNS); binding one usually needs administrator rights.
port-registered-tip = Ports 1024–49151 are registered for applications; any program may use a free one.
port-dynamic-tip = Ports 49152–65535 are dynamic (ephemeral): the operating system picks from here when you leave the port empty or 0.
bind-loopback-warning = ⚠ 127.0.0.1: this computer only
bind-loopback-tip = Bound to 127.0.0.1 (loopback), only programs on this computer can reach the socket. Bind 0.0.0.0 (all interfaces) so that other computers can reach it.
bind-all-badge = ● reachable from the network
bind-all-tip = 0.0.0.0 / :: (the lesson's "") means every interface: other computers can reach this socket through any of this machine's addresses.

## Timeline.

tl-title = Socket calls
tl-empty = Nothing yet: press { $button } and the socket calls appear here.
tl-earlier = … { $n } earlier
tl-cleared = cleared: the next calls appear here
tl-client = client
tl-fin-from-peer = ended: FIN from the peer
tl-rst = ended: RST (reset)
tl-rst-sent = ended: RST sent from here (SO_LINGER 0)
tl-closed-local = ended: closed by this side
tl-error = failed
tl-bytes = { $n } B
tl-calls-each = ×{ $calls }, { $each } B each, { $total } B in all
tl-calls-total = ×{ $calls }, { $total } B in all
tl-recv-paused = reading paused (data waits in the kernel)
tl-recv-resumed = reading resumed
tl-earlier-title = Earlier socket calls
tl-earlier-dropped = { $n } calls before these are no longer kept
tl-earlier-tip = Click to list the earlier calls

## TCP diagram.

dg-title = TCP connection
dg-client = Client (host A)
dg-server = Server (host B)
dg-handshake = Three-way handshake
dg-data = Data
dg-teardown = Four-way teardown
dg-waiting = not connected yet
dg-reset = RST: the connection was aborted
dg-syn = "May I send you data?"
dg-synack = "Yes — when will you send?"
dg-ack = "Sending now!"
dg-fin1 = FIN: "I am done sending"
dg-ack1 = ACK of the FIN
dg-fin2 = FIN in the other direction
dg-ack2 = ACK: both directions closed
dg-no-client = select a client to see its connection

## Presets.

preset-saved = preset saved to { $path }
preset-loaded = preset loaded from { $path }
preset-failed = preset not loaded: { $err }
preset-filter = Socket Tester preset

## Labs.

lab-note = Loopback lab: both ends on 127.0.0.1 port { $port }. Send from one side and watch the other.
lab-stream-note = TCP is a stream (port { $port }): ① pause the server's reading, ② send three messages, ③ resume — three send() calls, one recv(). A receiver that reads late is the usual cause of 粘包. ④ Split by lines, and do it again: three rows.
lab-stream-pause = ① Pause the server's reading
lab-stream-pause-tip = The server stops calling recv(). What the client sends now waits in the server's kernel (its receive queue, shown under the client list), not in this program.
lab-stream-resume = ③ Resume reading
lab-stream-resume-tip = The server calls recv() again, and one read returns everything that piled up: three send() calls, one recv() (the server's strip). TCP keeps no message boundaries, so a receiver that reads late — busy, or slower than the sender — gets several messages in one chunk: 粘包.
lab-stream-send = ② Send three messages
lab-stream-send-tip = The client calls send() three times: "one", "two" and "three", each ending in a line feed, each its own write (nothing is merged on the client: its strip says send() ×3).
lab-stream-frame = ④ Split by lines (LF framing)
lab-stream-frame-tip = The server cuts what it receives at each line feed, so each message is its own row again. Framing (a delimiter, a length prefix or a fixed size) is how protocols over TCP find their messages.
lab-stream-queued = waiting in the server's kernel, unread: { $n } B
lab-stream-result = { $sends } send() on the client, { $reads } recv() on the server ({ $bytes } B)
lab-stream-raw = Back to raw chunks

## Engine errors.

err-addr-in-use = The address is already in use: another program (or session) holds this port.
err-addr-not-available = This address does not belong to this machine.
err-permission-denied = Permission denied: well-known ports (0–1023) need administrator rights.
err-refused = Connection refused: nothing listens on that port (the peer answered with RST).
err-timed-out = Timed out: no answer came back (host down, or a firewall drops the packets).
err-host-not-found = Host not found: the name cannot be resolved.
err-unreachable = Network unreachable: no route to that address.
err-reset = Connection reset by the peer (RST).
err-bad-address = The address is not well formed.
err-bad-payload = The message cannot be encoded.
err-not-connected = Not connected.
err-message-too-long = Message too long for one UDP datagram.
err-internal = Internal error.
err-io = Input/output error.
state-idle = idle
state-starting = starting…
state-connecting = connecting…
state-connected = connected
state-bound = bound
state-listening = listening
state-stopping = stopping…
state-stopped = stopped
state-closed-by-peer = closed by peer
state-closed = closed
state-reset = reset
state-error = error
state-not-listening = not listening (clients kept)
send-blocked-bind = press Bind first
send-blocked-connect = press Connect first
send-blocked-listen = press Listen first
send-not-bound = not bound yet
send-no-sender = no one has sent a datagram yet — replies go to the last sender
send-not-connected = not connected
send-client-not-connected = client #{ $id } is not connected
send-no-client = no client is connected
notice-record-stopped = record stopped: cannot write { $path }: { $err }
notice-cannot-save-to = cannot save to { $dir }: { $err }
notice-nothing-to-save = nothing to save: the log is empty
notice-saving = saving…
notice-save-failed = save failed: { $err }
save-dialog-title = Save log
held-showing = showing { $shown } of { $total } events
held-all-saved = all saved
status-refused = refused: { $n }
status-refused-tip = Clients turned away because the "max clients" limit was reached
status-kernel-dropped = kernel dropped: { $n }
status-kernel-dropped-since-clear = kernel dropped since Clear: { $n }
status-kernel-dropped-tip = Datagrams the operating system dropped because the socket's receive buffer was full: they never reached this app
held-pending = { $n } not yet saved
held-tip = Rows beyond the memory cap (Settings) stay in this session's file on disk; Save log… writes every event.
status-local = local { $addr }
status-counters = Since Clear: Rx { $rx_b } B / { $rx_m } msgs · Tx { $tx_b } B / { $tx_m } msgs
status-counters-tip = Totals of every connection and session since the log was last cleared: a new connection or a reconnect adds to them, Clear starts them over. The TCP server's client list counts each connection on its own.
status-recording = ● recording
about-prefix = About sockets: { $hint }
about-udp-sender = socket(AF_INET, SOCK_DGRAM) + bind(local port), then sendto(destination) — each send is one datagram
about-udp-sender-more = UDP has no connection: every datagram carries its own destination address. Binding a local port (7890 here) lets the receiver reply to a fixed address; leave it empty and the operating system picks a free port.
about-udp-receiver = socket(AF_INET, SOCK_DGRAM) + bind() a port, then recvfrom() each datagram — one row per datagram
about-udp-receiver-more = recvfrom() also tells who sent the datagram, so a reply with sendto() can go straight back. Bind 127.0.0.1 to hear only this machine, 0.0.0.0 to hear every network interface.
about-tcp-client = socket(AF_INET, SOCK_STREAM) + connect() — a three-way handshake, then one byte stream both ways
about-tcp-client-more = TCP is a stream, not messages: what one send() writes may arrive split or merged in several recv() calls. Disconnect closes the socket (FIN); a reset (RST) means the peer refused or aborted.
about-tcp-server = socket(AF_INET, SOCK_STREAM) + bind() + listen(backlog), then accept() — one new socket per client
about-tcp-server-more = The listening socket only accepts; every accept() returns a new connected socket for one client. The backlog is how many finished handshakes may wait to be accepted.
about-relay = accept() a client, connect() to the server, and copy both ways — one upstream socket per client
about-relay-more = The relay sits between two programs it does not control: each client it accepts gets its own connection to the server, and what goes each way can be delayed, cut into pieces or dropped on purpose.
btn-bind = Bind
btn-unbind = Unbind
btn-connect = Connect
btn-disconnect = Disconnect
btn-listen = Listen
btn-stop = Stop
btn-stopping = Stopping…
btn-fix-fields = fix the fields marked in red first
btn-pause-reading = Pause reading
btn-resume-reading = ▶ Resume reading
btn-pause-reading-tip = Stop calling recv(): what the peer sends waits in this computer's kernel (the receive queue; once it is full the window closes and the peer's send queue grows). Resume, and one recv() returns everything that piled up: several send() calls in one read — 粘包. Turned on before Connect, the connection starts paused.
btn-pause-reading-tip-server = Stop calling recv() on every client (and on clients that connect while it is on): what they send waits in this computer's kernel (the receive queue; once it is full the window closes and the client's send queue grows). Resume, and one recv() returns everything that piled up: several send() calls in one read — 粘包. Turned on before Listen, the server starts paused.
btn-resume-reading-tip = Call recv() again: the next read returns everything that piled up in the kernel.
status-reading-paused = reading paused
btn-half-close = Half-close (FIN)
btn-half-close-tip = shutdown(SHUT_WR): send FIN, keep reading
btn-reset = Reset (RST)
btn-reset-tip = Abort the connection: SO_LINGER 0, then close() sends RST instead of FIN. Anything still queued is dropped, and the peer's next read fails with "connection reset by peer".
field-destination-host = Destination host
field-port = Port
field-local-port = Local port
field-server-host = Server host
field-bind-host = Bind host
field-listen-host = Listen host
field-backlog = Backlog
field-backlog-error = backlog: a number from 1 to 65535
field-all-interfaces = all interfaces
field-os-picks = OS picks
field-os-picks-tip = Leave empty to let the operating system pick a free local port
field-os-picks-note = (OS picks a port)
field-bind-note = 0.0.0.0 = all interfaces (reachable from the network) · 127.0.0.1 = this machine only
addr-port-empty = enter a port number (1–65535)
addr-port-not-number = "{ $value }" is not a port: use digits only, 1–65535
addr-port-zero = port 0 is not a real port; use 1–65535
addr-port-range = port { $value } is out of range: ports go from 1 to 65535
addr-host-empty = enter a host: an IP address such as 127.0.0.1, or a name
addr-bad-ipv6 = "{ $value }" is not a valid IPv6 address (example: ::1)
addr-bad-ipv4 = "{ $value }" is not a valid IPv4 address: four numbers 0–255 separated by dots, like 192.168.1.1
addr-bad-name = "{ $value }" is not a valid host name
addr-hostport-empty = enter an address as HOST:PORT, for example 127.0.0.1:8080
addr-host-too-long = host name is too long (at most 253 characters)
addr-bad-char = '{ $ch }' cannot appear in a host name
addr-missing-bracket = missing ']' after the IPv6 address, as in [::1]:8080
addr-missing-port-v6 = missing :PORT after [{ $host }]
addr-no-port = "{ $value }" has no port: write HOST:PORT, for example 127.0.0.1:8080
addr-v6-brackets = put an IPv6 address in brackets before the port, as in [::1]:8080
addr-not-found = host "{ $host }" was not found: check the spelling, or use an IP address
addr-no-address = host "{ $host }" was not found (it has no address)
addr-port-zero-hint = 0 = let the system pick a free port
srv-stop-listening = Stop listening (keep clients)
srv-stop-listening-tip = close() the listening socket; connected clients stay
srv-client = client #{ $id }
srv-client-peer = client #{ $id } { $peer }
srv-all-clients = all clients
srv-send-to-changed = Send to: { $target } (chosen in the list)
srv-send-to-undo = Undo
srv-send-to-undo-tip = Send to { $target } again, as before the click
srv-send-to = Send to
srv-clients = Clients
srv-clients-count = { $open } connected, { $seen } seen
srv-clients-forgotten = { $n } older closed clients not listed
srv-clients-forgotten-tip = The list keeps every open client and the newest 1,000 closed ones, so a server left running for hours stays the same size. Their rows are still in the log and in every Save log….
srv-disconnect-selected = Disconnect selected
srv-reset-selected = Reset selected (RST)
srv-send-to-all = Send to all
srv-send-to-all-tip = Send the message box to every connected client now
srv-no-clients = no clients yet
srv-open = open
srv-closed = closed
srv-client-row =
    #{ $id } { $peer } [{ $state }]
    {"  "}since { $since } · in { $rx } B / out { $tx } B
rx-last-sender = last sender
rx-last-sender-addr = last sender ({ $addr })
rx-reply-to = Reply to
log-searching = {" "}(searching…)
log-match-count = { $k } of { $n } match{ $more }
log-title = Log
log-show = Show:
rows-udp = One row = one datagram: UDP keeps message boundaries, so each sendto() arrives whole, as its own row.
rows-tcp-raw = One row = one recv() chunk: TCP is a byte stream, so two sends can arrive as one chunk (or one send as two). Pick a framing to split it into messages.
rows-tip = Compare the two in the Learn window (View menu).
log-text = Text
log-hex-view = Hex view
log-both = Text + Hex
log-clear = Clear
log-clear-tip = Forget all rows and counters (Ctrl+L)
log-copy-all = Copy all
log-copy-selected = Copy selected ({ $n })
log-select-none = Select none
log-save = Save log…
log-save-tip = Save the whole session (every event, also those no longer in memory) as .jsonl, .txt, .csv, .pcapng or .html (Ctrl+S)
log-note = Note…
log-note-text = Note text
log-note-hint = e.g. device rebooted
log-add-note = Add note
log-note-tip = Attach a note to this moment (saved in the record as "note")
log-actions-tip = Clear, Copy, Save log… and Note… (folded here on a narrow log)
log-all = all
log-show-client = Show client
log-filter = Filter
log-filter-toggle = Filter…
log-filter-hint = text, hex bytes (ca d5), peer, → / ← (tx / rx), note
log-clear-filter = Clear the filter
log-col-time = Time
log-col-peer = Peer
log-col-len = Len
log-col-dt = Δt ms
log-col-dt-tip = Inter-arrival time: milliseconds since the previous datagram or read from the same peer
log-time-dt-tip = Δt { $dt } ms since the previous datagram or read from the same peer
log-col-data-text = Data (text)
log-col-data-hex = Data (hex)
log-col-text = Text
log-col-hex = Hex
log-note-row = Note: { $text }
log-hex-tag = hex
log-hex-tag-tip = These bytes are not text in the tab's encoding (a control byte or an invalid sequence): shown as hex. Right-click the row to show it as text.
log-row-as-hex = Show this row as hex
log-row-as-text = Show this row as text
log-row-copy = Copy this row
send-outgoing = Outgoing
send-hex = Hex
send-hex-tip = Type bytes as hex, such as 48 65 6c 6c 6f or 0x48,0x65
send-escapes = Escapes
send-escapes-tip = Understand \r \n \t \\ \0 and \xNN (a raw byte)
send-line-ending = Line ending
send-le-none = None
send-variables = Variables
send-variables-tip = Expand {"{"}seq{"}"} {"{"}seq:04{"}"} {"{"}time{"}"} {"{"}unix_ms{"}"} {"{"}rand:N{"}"} {"{"}hex:01 02{"}"} at each send. Binary fields: {"{"}seq:u16be{"}"} (the counter as raw bytes: u8, u16be, u16le, u32be, u32le; it wraps), {"{"}len:u16be{"}"} (the length of the whole message), {"{"}len:u16be:after{"}"} (of the bytes after the field), a checksum {"{"}crc16-modbus{"}"} (of the bytes before it; add :be/:le and a range, as in {"{"}crc32:be:0..-4{"}"}, a negative number counting from the end; sum8, xor8, crc16-modbus, crc16-ccitt, crc32); {"{"}{"{"} and {"}"}{"}"} are literal braces
send-checksum = Checksum
send-checksum-none = none
send-checksum-tip = Appended after the data, before the line ending
send-history = History
send-history-count = { $n } sent
send-message = Message
send-hint-hex = hex bytes, e.g. 48 65 6c 6c 6f
send-hint-text = type a message — Enter sends, Shift+Enter adds a line
send-send = Send
send-enter-sends = Enter or Ctrl+Enter sends
send-bytes = { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
}
send-next-seq = next {"{"}seq{"}"} = { $n }
enc-label = Encoding
enc-tip = How text is turned into bytes when sending, and bytes into text in the log

## Multicast (UDP tabs).

mc-title = Multicast
mc-enable = Use multicast
mc-group = Group
mc-interface = Interface address
mc-interface-hint = any
mc-ttl = TTL
mc-loopback = Loopback
mc-loopback-hint = IP_MULTICAST_LOOP: members of the group on this machine get the datagrams too
mc-hint-recv = Binds the port above on all addresses and joins the group (IP_ADD_MEMBERSHIP). Interface: an IPv4 address of this machine, or an interface index for an IPv6 group; empty = the system's choice.
mc-hint-send = Sends to the destination above, which must be a multicast group. TTL (hop limit) 1 = this network only; interface: the IPv4 address to send from, or an index for IPv6.
mc-err-not-multicast = { $value } is not a multicast address (groups are 224.0.0.0–239.255.255.255 or ff00::/8)
mc-err-dest-not-ip = for multicast the destination must be a group's IP address, such as 239.255.0.1 (not "{ $value }")
mc-err-group-bad = group: "{ $value }" is not an IP address (such as 239.255.0.1 or ff02::1)
mc-err-iface-v6 = interface { $value } has no IPv4 address: an IPv4 group is joined on an interface's IPv4 address
mc-err-iface-bad = interface: "{ $value }" is not an IPv4 address of this machine (such as 127.0.0.1); leave it empty for any
mc-err-iface-index = interface: for an IPv6 group, an interface index (a number; empty = any), not "{ $value }"
mc-err-ttl = TTL: a number from 0 to 255, not "{ $value }"

## Display framing (TCP tabs).

fr-label = Framing
fr-raw = Raw chunks
fr-lf = Lines (LF)
fr-crlf = Lines (CRLF)
fr-hex = Delimiter (hex)
fr-fixed = Fixed length
fr-prefix1 = 1-byte length prefix
fr-prefix2be = 2-byte length prefix, big-endian
fr-prefix2le = 2-byte length prefix, little-endian
fr-prefix4be = 4-byte length prefix, big-endian
fr-prefix4le = 4-byte length prefix, little-endian
fr-delimiter = Delimiter
fr-length = Length (bytes)
fr-hint = How received TCP data is cut into rows in this view. The saved log keeps the raw bytes as they arrived.
ck-label = Rx checksum
ck-off = off
ck-hint = Check each received row (each frame, with a framing) against the checksum in it: the algorithm, its byte order, the bytes it covers (A..B, a negative number counting from the end; empty: every byte before it) and where it sits (an offset; empty: the last bytes). Rows whose checksum is wrong are marked in the log and counted.
ck-order-auto = its own order
ck-order-be = big-endian
ck-order-le = little-endian
ck-range = over
ck-range-hint = all before
ck-at = at
ck-at-hint = end
log-check-bad = checksum wrong: got { $got }, expected { $expected }
log-check-short = checksum wrong: the row is too short for it
status-checks = checksum: { $good } ok / { $bad } wrong
status-checks-tip = Received rows checked against their checksum since Clear: right and wrong
fr-err-hex = delimiter: hex bytes such as 0D 0A or 03
fr-err-len = length: a number of bytes from 1 to 1048576
fr-field = Length field in a header
fr-offset = Offset
fr-offset-tip = How many bytes come before the length field (Modbus/TCP: 4).
fr-width = Width
fr-order = Byte order
fr-be = big-endian
fr-le = little-endian
fr-adjust = Adjust
fr-adjust-tip = Added to the length field's value to give the bytes that follow the field (e.g. -2 when the length counts itself, or 0 for Modbus/TCP). The row shows the whole frame, header included.
fr-mbap = Modbus/TCP (MBAP)
fr-mbap-tip = Offset 4, 2 bytes, big-endian, adjust 0: a frame is 6 + length bytes.
fr-err-offset = offset: a number of bytes from 0 to 1024
fr-err-adjust = adjust: a whole number such as -2, 0 or 6
logset-title = Logs: memory and disk
logset-explain = Each tab keeps its newest rows in memory. Every event is also saved to a file on disk, and Save log… writes all of them.
logset-rows = Rows kept in memory
logset-mib = Payload kept in memory (MiB)
logset-spool-cap = Log files on disk, at most (GiB)
logset-spool-cap-tip = Every tab's log file and the ones a crash left, together. At the cap, recording stops with a message; nothing already recorded is dropped.
logset-reset = Reset to defaults
rec-title = Recover session logs
rec-explain = Socket Tester did not close normally last time. These sessions were being saved to disk and can be recovered:
rec-events = { $count ->
    [one] { $n } event
   *[other] { $n } events
}
rec-counting = counting…
rec-save-as = Save as…
rec-discard = Discard
rec-discard-tip = Delete this file
rec-later = Close this window to decide later: the files stay until discarded.
rec-dialog-title = Save recovered log
rec-saved = saved { $n } { $count ->
    [one] event
   *[other] events
} to { $path }
rec-saved-bad = saved { $n } { $count ->
    [one] event
   *[other] events
} to { $path } · { $bad ->
    [one] { $bad } unreadable line
   *[other] { $bad } unreadable lines
} skipped ({ $lines })
rec-save-failed = save failed: { $err }
rec-cannot-delete = cannot delete: { $err }
save-cannot-write = cannot write { $path }: { $err }
save-unknown-format = save failed: cannot tell the format of { $path }: end the name with .txt, .csv, .jsonl, .pcapng or .html
save-cannot-read = save failed: cannot read { $path }: { $err }
save-failed-path = save failed: { $path }: { $err }
save-failed = save failed: { $err }
save-disk-stopped = the session's disk copy had stopped, so the newest events may be missing
save-memory-only = only the rows in memory: { $why }
save-stopped-parts = { $disk } from the disk copy, then { $memory } kept in memory after recording stopped ({ $why })
save-stopped-gap = the window had already let go of some rows, so events between { $after } and { $before } may be missing
save-no-disk-copy = no disk copy
save-saved = saved { $n } { $count ->
    [one] event
   *[other] events
} to { $path }
save-bad-lines = {" "}· { $bad ->
    [one] { $bad } unreadable line
   *[other] { $bad } unreadable lines
} skipped ({ $lines })
rules-echo = Echo
rules-echo-tip = Send back every message that no rule answered
rules-echoed = echoed { $n }
rules-add = Add rule
rules-reset-counts = Reset counts
rules-rule = Rule { $n }
rules-when = when
rules-match = match
rules-match-tip = Rule { $n }: what to look for
rules-reply = reply
rules-reply-tip = Rule { $n }: the answer; variables such as {"{"}seq{"}"} work
rules-hex = Hex
rules-esc = Esc
rules-delay = delay ms
rules-fired = fired { $n }
rules-delete = Delete
rules-none = No rules: add one, or turn on Echo.
rate-last-second = last second: in { $rx_b } B/s, { $rx_m } msg/s · out { $tx_b } B/s, { $tx_m } msg/s
rate-bytes = bytes/s
rate-msgs = messages/s
rate-in = in { $title }
rate-out = out { $title }
senders-count = { $n ->
    [one] { $n } source
   *[other] { $n } sources
}
senders-clear = Clear
senders-click-hint = click a row to reply to it
senders-source = Source
senders-datagrams = Datagrams
senders-bytes = Bytes
senders-rate = Rate
senders-last-seen = Last seen
senders-rate-value = { $n } B/s
senders-reply-to = Reply to { $addr }
pay-save-current = Save current message
pay-save-current-tip = Adds the message in the box, with its options, to this list
pay-default-name = payload { $n }
pay-import = Import…
pay-export = Export…
pay-none = No saved payloads yet.
pay-name-tip = Name of payload { $n }
pay-data = data
pay-hex = Hex
pay-vars = Vars
pay-end = end
pay-enc = enc
pay-tabs-enc = tab's
pay-bytes = { $n } B
pay-send = Send #{ $n }
pay-load = Load #{ $n }
pay-load-tip = Put it in the send box
pay-delete = Delete #{ $n }
exp-send = Send
exp-send-tip = The request; {"{"}seq{"}"} and the other variables work
exp-hex = Hex
exp-escapes = Escapes
exp-expect = Expect
exp-expected = Expected
exp-within = Within (ms)
exp-tries = Tries
exp-gap = Gap (ms)
exp-cancel = Cancel run
exp-run = Run
exp-export-csv = Export CSV…
exp-running = running: { $n }/{ $total } tried
exp-verdict-pass = PASS
exp-verdict-fail = FAIL
exp-summary = { $verdict } { $passed }/{ $planned } passed, { $failed } failed
exp-summary-not-run = { $summary }, { $n } not run
exp-latency = latency min { $min } · p50 { $p50 } · p95 { $p95 } · max { $max }
exp-fail-no-reply = no reply within { $within }
exp-fail-no-match = no matching reply within { $within }; got { $n } bytes: { $hex }
exp-fail-send = not sent: { $why }
exp-fail-ended = the session ended: { $why }
exp-fail-ended-plain = the session ended
exp-fail-cancelled = cancelled
exp-stopped-early = stopped early: { $why }
exp-col-try = Try
exp-col-result = Result
exp-col-latency = Latency
exp-col-note = Note
exp-pass = pass
exp-fail = FAIL
tool-payloads = Saved payloads
tool-auto-send = Auto-send
tool-file = Send file
tool-rules = Auto-reply
tool-senders = Senders
tool-rates = Rate chart
tool-expect = Expect
tool-tools = Tools
tool-tools-menu = Tools ▾
tool-broadcast = Broadcast
tool-broadcast-tip = SO_BROADCAST: allow sending to 255.255.255.255 or a subnet's broadcast address
tool-unbind-to-change = unbind to change
tool-quick-send = Quick send
auto-explain = Sends the message in the box every interval (variables expand each time).
auto-every = Every (ms)
auto-times = Times
auto-times-tip = empty: until stopped
auto-stop = Stop auto-send
auto-start = Start auto-send
auto-interval-error = interval: a number of milliseconds from 1 up
file-explain-tcp = Streams a file from disk in chunks; a chunk is read only when the previous one has gone.
file-explain-udp = Sends a file as datagrams of the chunk size (at most 65507 bytes each).
file-chunk = Chunk (bytes)
file-datagram = Datagram (bytes)
file-delay = Delay (ms)
file-cancel = Cancel
file-send = Send file…
file-starting = starting
file-sending = sending
file-sent = sent
file-failed = failed
file-cancelled = cancelled
file-progress = { $sent } / { $total } bytes ({ $chunks } chunks)
menu-settings = ⚙ Settings
auto-why-closed = the connection closed
auto-why-ended = the session ended
auto-stopped-why = auto-send stopped: { $why } ({ $progress })
auto-done = auto-send done: { $progress }
auto-stopped = auto-send stopped: { $progress }
auto-stopped-ended = auto-send stopped: the session ended ({ $progress })
auto-stopped-failed = auto-send stopped: { $err } ({ $progress })
auto-bad-interval = interval: a number of milliseconds from 1 to 86400000
auto-bad-count = count: a number from 1 up, or empty to send until stopped
tool-dialog-failed = cannot open a file dialog: { $err }
tool-not-running = the session is not running
file-bad-chunk = chunk size: a number of bytes from 1 to { $max }
file-bad-delay = delay: a number of milliseconds from 0 to 3600000
pay-no-such = no such payload
pay-imported = imported { $n ->
    [one] { $n } payload
   *[other] { $n } payloads
} from { $path }
pay-exported = exported { $n ->
    [one] { $n } payload
   *[other] { $n } payloads
} to { $path }
exp-report-saved = report saved to { $path }
exp-nothing-to-export = no expectation run to export
exp-bad-send = send: { $err }
exp-bad-expect = expect: { $err }
exp-bad-timeout = timeout: a number of milliseconds from 1 to 3600000
exp-bad-tries = tries: a number from 1 to 1000000
exp-bad-gap = gap: a number of milliseconds from 0 to 3600000
pay-export-failed = export failed: { $err }
pay-export-failed-path = export failed: { $path }: { $err }
pay-import-failed = import failed: { $path }: { $err }
pay-import-too-big = import failed: { $path } is { $n } bytes; a payload file is at most { $max }
pay-import-not-text = import failed: { $path }: { $err } (is it a text file?)
match-contains-text = contains text
match-equals-text = equals text
match-starts-hex = starts with hex
match-contains-hex = contains hex
match-regex-text = regex (text)
match-regex-bytes = regex (bytes)
match-anything = anything
state-with-msg = { $what }: { $msg }
cksum-sum8 = 1 byte: sum of all bytes modulo 256
cksum-xor8 = 1 byte: XOR of all bytes
cksum-crc16-modbus = 2 bytes, low byte first (Modbus RTU)
cksum-crc16-ccitt = 2 bytes, high byte first (poly 0x1021, init 0xFFFF)
cksum-crc32 = 4 bytes, low byte first (zlib/Ethernet CRC-32)

## Engine events, rendered by src/i18n_events.rs.

ev-bound = socket() + bind() → bound to { $local }
ev-listening = socket() + bind() + listen({ $backlog }) → listening on { $local }
ev-connecting = connect() to { $peer }: SYN sent…
ev-connected = connected { $local } → { $peer } (TCP handshake done)
ev-accepted-client = accept() → client #{ $id } from { $peer }
ev-accepted = accept() → { $peer }
ev-closed-peer-fin = closed by peer (FIN received)
ev-closed-both-fin = both sides have sent FIN
ev-closed-local-close = closed locally (close())
ev-closed-server-stopped = closed locally: the server stopped
ev-closed-kicked = disconnected by the server
ev-closed-connect-cancelled = connect cancelled
ev-closed-server-ended = server stopped; { $n ->
    [one] { $n } client closed
   *[other] { $n } clients closed
}
ev-closed-socket-closed = socket closed (close())
ev-closed-internal-error = socket closed after an internal error
ev-closed-unknown = closed
ev-reset-peer = connection reset by peer (RST)
ev-reset-aborted = connection aborted (RST)
ev-reset-broken-pipe = broken pipe: the peer had already reset the connection (RST)
ev-reset-unknown = connection reset (RST)
ev-reset-here = reset from here: SO_LINGER 0, then close() sent RST instead of FIN
ev-refused = refused a client: the limit of { $limit ->
    [one] { $limit } client
   *[other] { $limit } clients
} is reached ({ $total } refused so far)
ev-icmp-port-unreachable = port unreachable: nothing listens on { $to } ({ $via })
ev-icmp-host-unreachable = host unreachable: { $to } cannot be reached ({ $via })
ev-icmp-net-unreachable = network unreachable: no route to { $to } ({ $via })
ev-icmp-too-big = message too long for the path to { $to }: the path MTU is { $mtu } bytes ({ $via })
ev-icmp-other = the network refused a datagram to { $to }: ICMP type { $icmp_type } code { $code } ({ $via })
ev-icmp-via = ICMP
ev-icmp-via-from = ICMP from { $from }
ev-icmp-via-errno = told by the system on a later call
status-icmp = network answered: { $n }
status-icmp-tip = ICMP errors the network sent back for datagrams from this tab (port unreachable, host unreachable, message too long), each in the log. UDP has no connection, but the network still answers.
ev-kernel-drops = kernel dropped: { $total ->
    [one] { $total } datagram
   *[other] { $total } datagrams
} so far (the socket's receive buffer was full, so they never reached the app)
ev-peer-fin-half-open = the peer sent FIN (it will send no more); this side can still send — Disconnect to close
ev-port-held-by = port { $port } is held by "{ $name }" (process { $pid })
ev-port-free = port { $free } is free on this address: try it
ev-port-no-free = no free port could be found on this address
ev-port-sep = {"; "}
ev-fin-sent = shutdown(SHUT_WR): sent FIN; still receiving until the peer closes
ev-reading-paused = reading paused: recv() is not called; what arrives waits in the kernel's receive queue (when it is full the window closes and the sender's send queue grows)
ev-reading-resumed = reading resumed: the next recv() returns everything that piled up
ev-unsent = { $n ->
    [one] { $n } queued message was
   *[other] { $n } queued messages were
} not sent before closing
ev-stopped-listening = stopped listening (listening socket closed); { $n ->
    [one] { $n } client stays
   *[other] { $n } clients stay
} connected
ev-not-applicable-tcp-client = that command does not apply to a TCP client
ev-not-applicable-tcp-server = that command does not apply to a TCP server
ev-not-applicable-udp = that command is for TCP sessions; UDP has no connection to close
ev-broadcast-on = SO_BROADCAST is on: this socket may send to broadcast addresses
ev-destination = destination is now { $to }
ev-mc-joined = joined multicast group { $group } on { $on }
ev-mc-options = multicast to { $group } via { $on }: TTL { $ttl }, loopback { $looped }
ev-iface = interface { $i }
ev-iface-index = interface #{ $i }
ev-iface-default = the default interface
ev-on = on
ev-off = off
ev-file-started = sending file { $name } ({ $bytes } bytes) in chunks of { $chunk } bytes
ev-file-started-delay = sending file { $name } ({ $bytes } bytes) in chunks of { $chunk } bytes, { $ms } ms apart
ev-file-sent = file sent: { $bytes } bytes in { $chunks ->
    [one] { $chunks } chunk
   *[other] { $chunks } chunks
}, { $secs } s
ev-file-cancelled = file send cancelled after { $sent } of { $total } bytes
ev-no-file = no file is being sent

## File dialogs of the tools, and texts found by the Chinese walk-through.

dialog-send-file = Send file
dialog-import-payloads = Import payloads
dialog-export-payloads = Export payloads
dialog-export-report = Export report
pay-kind-hex = hex
pay-kind-text = text
preset-stop-first = stop the running sessions first

## Address classes from the IANA special-purpose registries.
class-this-network = this network (0.0.0.0/8)
explain-this-network = Only a source address for a host that does not know its own address yet; never a destination.
class-documentation = documentation (example only)
explain-documentation = Reserved for examples in books and manuals (RFC 5737, 3849, 9637): never used on a real network, routed nowhere.
class-benchmarking = benchmarking
explain-benchmarking = For testing network devices in a lab (RFC 2544, 5180); not routed on the Internet.
class-ietf-protocol = IETF protocol assignment
explain-ietf-protocol = Set aside for particular IETF protocols (192.0.0.0/24, 2001::/23); not an ordinary host address, not globally reachable.
class-service = special service (anycast)
explain-service = A well-known service address (PCP/TURN anycast, AS112, AMT): globally reachable, answered by the nearest server.
class-relay-6to4 = 6to4 relay (deprecated)
explain-relay-6to4 = The old anycast block of 6to4 relays (192.88.99.0/24), deprecated since 2015 (RFC 7526).
class-six-to-four = 6to4
explain-six-to-four = An IPv6 address with an IPv4 address inside (2002::/16); whether it is reachable depends on that IPv4 address.
class-teredo = Teredo
explain-teredo = IPv6 tunnelled over UDP through NATs (2001::/32); it carries the Teredo server and the client's public IPv4 address.
class-nat64 = NAT64
explain-nat64 = An IPv4 address written as IPv6 (64:ff9b::/96), so an IPv6-only host can reach it through a NAT64 translator.
class-orchid = ORCHID (identifier)
explain-orchid = A cryptographic identifier (2001:20::/28; drone IDs 2001:30::/28), not a host's location; not an ordinary address.
class-discard-only = discard-only
explain-discard-only = Traffic to 100::/64 is thrown away on purpose (remote-triggered black holes, RFC 6666).
class-segment-routing = SRv6 segment ID
explain-segment-routing = A segment identifier of IPv6 segment routing (5f00::/16), meaningful only inside one operator's domain.
class-reserved = reserved
explain-reserved = Reserved for future use (240.0.0.0/4; IPv6 outside 2000::/3 that is not assigned); hosts and routers do not use it.
save-same-file = save failed: { $path } is this session's own log file; choose another file
## Layout: panel headers.
panel-hide = Hide
panel-hide-tip = Hide this panel (the View menu shows it again)

## The in-window file dialog (where the desktop has no file dialog of its own).
fd-open = Open
fd-save = Save
fd-cancel = Cancel
fd-parent = Parent folder
fd-file = File:
fd-folder = Folder
fd-empty = (no files here)
fd-cannot-read = cannot read this folder: { $err }
fd-formats = the ending picks the format: { $list }
send-no-destination = enter a valid destination host and port to send
notice-spool-cap-reached = recording stopped: the log files together reached their cap of { $cap } (Settings); nothing was dropped. Save the log, or Clear it, to record again
notice-cannot-wait-spool = cannot wait for the log file to be written: { $err }
notice-cannot-write-record = cannot write the record { $path }: { $err }

## Errors in typed payloads, auto-reply rules, presets and payload files (ui/payload_words.rs).
parse-at-column = column { $column }: { $what }
parse-at-line-column = line { $line }, column { $column }: { $what }
parse-at-position = position { $pos }: { $what }
parse-in-hex = hex: { $err }
parse-in-variables = variables: { $err }
parse-bad-hex = bad hex: { $err }
parse-hex-prefix-only = "0x" with no hex digits after it
parse-hex-not-digit = '{ $ch }' is not a hex digit (use 0-9 and a-f)
parse-hex-odd = odd number of hex digits in "{ $group }": every byte needs two digits
parse-hex-no-bytes = the delimiter needs at least one byte
parse-escape-lone = a lone backslash at the end; write \\ for a backslash
parse-escape-short-hex = \x needs exactly two hex digits, as in \x0D
parse-escape-unknown = unknown escape \{ $ch }; use \r \n \t \\ \0 or \xNN
parse-encode-cannot = character '{ $ch }' ({ $code }) cannot be written in { $encoding }
parse-encode-becomes = character '{ $ch }' ({ $code }) would be sent in { $encoding } as { $hex }, which reads back as '{ $back }'; send those bytes as hex if that is what you mean
parse-var-lone-close = a lone '{"}"}'; write {"}"}{"}"} for a literal brace
parse-var-unclosed = '{"{"}' is never closed; write {"{"}{"{"} for a literal brace
parse-var-too-large = the payload would be larger than { $max } bytes
parse-var-bad-width = "{ $arg }" is not a width; write {"{"}seq:04{"}"} for 0001
parse-var-width-too-big = width { $width } is more than { $max }
parse-var-bad-count = "{ $arg }" is not a byte count; write e.g. {"{"}rand:4{"}"}
parse-var-rand-too-big = {"{"}rand:{ $n }{"}"} asks for more than { $max } bytes
parse-var-rand-needs-count = {"{"}rand{"}"} needs a byte count, as in {"{"}rand:4{"}"}
parse-var-no-argument = {"{"}{ $name }{"}"} takes no argument
parse-var-unknown = unknown variable {"{"}{ $body }{"}"}; use {"{"}seq{"}"}, {"{"}seq:04{"}"}, {"{"}seq:u16be{"}"}, {"{"}len:u16be{"}"}, {"{"}crc16-modbus{"}"}, {"{"}time{"}"}, {"{"}unix_ms{"}"}, {"{"}rand:N{"}"}, {"{"}hex:..{"}"}, or {"{"}{"{"} and {"}"}{"}"} for literal braces
parse-field-unknown-int = "{ $arg }" is not a binary width; use u8, u16be, u16le, u32be or u32le
parse-field-bad-range = "{ $arg }" is not a byte range; write A..B, e.g. 0..-2 (a negative number counts from the end)
parse-field-bad-arg = "{ $arg }" is not a checksum option; use be or le, a range A..B, or @N for where it sits
parse-field-twice = "{ $arg }" is given twice
parse-field-unknown-checksum = "{ $arg }" is not a checksum; use sum8, xor8, crc16-modbus, crc16-ccitt or crc32
parse-field-bad-len-arg = "{ $arg }" is not a length option; write {"{"}len:u16be{"}"} or {"{"}len:u16be:after{"}"}
parse-field-position-in-template = "{ $arg }": a checksum in a message sits where it is written; leave out @N
parse-var-len-needs-width = {"{"}len{"}"} needs a width, as in {"{"}len:u16be{"}"} or {"{"}len:u16be:after{"}"}
parse-var-len-too-big = {"{"}{ $token }{"}"}: the length { $len } does not fit (at most { $max })
parse-var-range-outside = {"{"}{ $token }{"}"}: the range falls outside the { $len }-byte message
parse-var-range-covers-field = {"{"}{ $token }{"}"}: the range covers the checksum itself
parse-var-checksum-loop = {"{"}{ $token }{"}"}: checksums whose ranges cover each other
parse-var-too-many-fields = more than { $max } length and checksum fields
parse-bad-regex = bad regex: { $detail }
parse-regex-too-big = the regex is too big
parse-rule = rule { $n }, { $field }: { $err }
parse-rule-match = match
parse-rule-reply = reply
parse-rule-no-group = the regex has no group {"{"}{ $name }{"}"}
parse-rule-not-regex = {"{"}{ $name }{"}"} is a regex group, but this rule does not match with a regex
preset-at-line = line { $line }: { $err }
preset-in-file = { $path }: { $err }
preset-field = [{ $section }] { $key }: { $err }
preset-bad-backlog = a number from 1 to 65535
preset-unknown-encoding = unknown encoding "{ $name }"
preset-no-session = the fields do not make a valid session
preset-not-toml = { $detail }
pay-import-not-json = not a payload file (line { $line }, column { $column }: { $detail })
pay-import-wrong-format = not a payload file: format is "{ $format }", expected "{ $expected }"
pay-import-too-new = payload file version { $version } is newer than this program understands (1)
pay-import-too-many = { $n } payloads; at most { $max } per file
auto-no-thread = cannot start auto-send: { $err }

## Writes menu (TCP write shaping)
wr-label = Writes
wr-tip = How this side cuts its messages into write() calls. TCP is a stream: the peer's recv() may return two sends as one chunk (粘包) or one send as several (拆包). Framing on the receiving side is the fix.
wr-intro = TCP keeps no message boundaries. Shape the writes here, and watch the peer's raw chunks.
wr-nodelay = TCP_NODELAY (Nagle off)
wr-nodelay-tip = On: each write() goes out at once. Off: Nagle's algorithm may wait to fill a segment, so small writes can merge on the wire.
wr-split = Split each message into writes (拆包)
wr-split-tip = Each message goes out in pieces of this many bytes, with a pause between them, so a reader that keeps up sees several chunks for one message.
wr-split-bytes = Bytes per write
wr-split-gap = Pause (ms)
wr-coalesce = Send several messages in one write (粘包)
wr-coalesce-tip = Messages are held until this many are queued, then written with one write(): the peer gets them as one chunk. Half-close and Disconnect send what is held, and so does a change that makes the batch no bigger than what is held; Reset drops it (told as unsent).
wr-coalesce-count = Messages per write
wr-bad-split = bytes per write: a whole number from 1 to 65536
wr-bad-gap = pause: a whole number of milliseconds, at most 60000
wr-bad-coalesce = messages per write: a whole number from 2 to 1000
wr-summary-whole = whole
wr-summary-split = { $n } B / { $ms } ms
wr-summary-coalesce = { $k } in one
wr-summary-bad = check the fields

## The kernel's view of a TCP connection (TCP_INFO)
ks-title = Kernel's view (TCP_INFO)
ks-tip = What the operating system itself measures for this connection, sampled 4 times a second while it is open.
ks-unavailable = not available on this system (Linux only)
ks-none = no open connection selected
ks-rtt = Round trip
ks-rtt-value = { $rtt } ms ± { $var }
ks-rtt-tip = Smoothed round-trip time: how long a segment takes to be acknowledged, and its mean deviation. Loopback is a few microseconds; a LAN well under a millisecond.
ks-cwnd = Congestion window
ks-cwnd-value = { $cwnd } segments × { $mss } B
ks-cwnd-tip = How many segments the sender may have in flight before waiting for ACKs; it grows while all goes well and shrinks after a loss.
ks-retrans = Retransmits
ks-retrans-tip = Segments sent again because no ACK came in time, over the connection's life.
ks-unacked = Unacknowledged
ks-unacked-tip = Segments sent and not yet acknowledged by the peer.
ks-sendq = Send queue
ks-sendq-tip = Bytes written by this side that the peer has not acknowledged yet (SIOCOUTQ). It grows when the peer stops reading.
ks-recvq = Receive queue
ks-recvq-tip = Bytes that arrived and that this side has not read yet (SIOCINQ).
ks-bytes = { $n } B
ks-line = RTT { $rtt } ms · cwnd { $cwnd } · send queue { $sendq } B · receive queue { $recvq } B

## TLS (net/tls, i18n_tls.rs)
ev-tls-ready = TLS ready: { $version }, { $cipher }{ $alpn }{ $cert }{ $unverified }
ev-tls-alpn = , ALPN { $alpn }
ev-tls-peer-cert = ; peer certificate { $subject }, issued by { $issuer }, valid { $from } to { $until }, SHA-256 { $sha }
ev-tls-unverified = {" "}(not checked: any certificate is accepted)
ev-tls-server-cert = TLS on: certificate { $subject }, valid until { $until }, SHA-256 { $sha } ({ $source })
ev-tls-refused-cert = the refused certificate: { $subject }, issued by { $issuer }, valid { $from } to { $until }, SHA-256 { $sha } (to trust exactly this one, pin that SHA-256)
tls-source-file = from { $path }
tls-source-generated = self-signed, made now and kept at { $path }
tls-source-kept = self-signed, kept at { $path }
ev-tls-on-plain-port = the peer sent a TLS handshake, but this side speaks plaintext: turn TLS on to talk to it
ev-closed-tls-failed = closed: the TLS handshake failed
tls-err-unknown-issuer = TLS: the peer's certificate is signed by an unknown issuer (self-signed or a private CA): give its CA file (or the certificate itself), pin it, or accept any certificate
tls-err-expired = TLS: the peer's certificate has expired
tls-err-not-yet-valid = TLS: the peer's certificate is not valid yet (check both clocks)
tls-err-name = TLS: the certificate is not for "{ $name }" (set SNI to a name the certificate lists)
tls-err-bad-cert = TLS: the peer's certificate was rejected: { $why }
tls-err-client-cert-required = TLS: the server requires a client certificate (give a certificate and key)
tls-err-no-client-cert = TLS: the client sent no certificate, and this server requires one
tls-err-alert = TLS: the peer ended the handshake with the alert { $alert }
tls-err-not-tls = TLS: the peer does not speak TLS (a plaintext peer on a TLS port?)
tls-err-closed = TLS: the peer closed the connection during the handshake (it may not speak TLS, or it refused this side's certificate)
tls-err-timeout = TLS: no handshake after { $secs } s (the peer may speak plaintext and wait for us)
tls-err-handshake = TLS: the handshake failed: { $why }
tls-err-file = TLS: cannot use the { $what } file { $path }: { $why }
tls-file-cert = certificate
tls-file-key = private key
tls-file-ca = CA
tls-file-self-signed = self-signed certificate
tls-err-bad-name = TLS: "{ $name }" is not a valid server name for SNI
dialog-tls-file = Choose a certificate, key or CA file (PEM)
tls-summary-off = TLS: off
tls-summary-on = TLS: on
tls-summary-any = ⚠ TLS: any certificate
tls-summary-bad = TLS: check the fields
tls-summary-refused = ⚠ TLS: certificate refused
tls-refused-title = The server's certificate was refused:
tls-refused-subject = Subject: { $subject }
tls-refused-issuer = Issuer: { $issuer }
tls-refused-valid = Valid: { $from } to { $until }
tls-refused-sha = SHA-256: { $sha }
tls-trust-this = Trust this certificate
tls-trust-this-tip = Fills the pin below with its SHA-256 (saved with this tab): the next Connect accepts exactly this certificate and nothing else. Compare the fingerprint with the device's own first.
tls-refused-pinned = ✓ Pinned below: Connect to use it
tls-tip = Encrypt the connection with TLS (rustls): the bytes on the wire are TLS records; the log, the tools and the record show the plaintext.
tls-use = Use TLS
tls-use-tip = Connect / Listen speaks TLS on the TCP connection, like ncat --ssl. The data in the log is what TLS decrypted.
tls-next-start = Stop first: these apply at the next Connect / Listen.
tls-browse = Choose a file…
tls-server-cert = Certificate (PEM)
tls-server-ca = Require client certificates from this CA (mutual TLS)
tls-client-ca = Trust this CA (PEM)
tls-client-cert = Client certificate (PEM)
tls-key = Private key (PEM)
tls-sni = Server name (SNI)
tls-alpn = ALPN protocols
tls-mutual = Mutual TLS: this client's own certificate
tls-hint-self-signed = empty: self-signed, made once and kept
tls-hint-key = empty: in the certificate file
tls-hint-no-client-certs = empty: no client certificate needed
tls-hint-system-roots = empty: this system's trusted roots
tls-hint-no-client-cert = empty: none
tls-hint-sni = empty: the host above
tls-hint-alpn = e.g. h2,http/1.1 (empty: none)
tls-insecure = Accept any certificate (a device with a self-signed one)
tls-insecure-tip = The handshake still encrypts, but nobody checks who is on the other end. Prefer giving the device's certificate as the CA file, or pinning it.
tls-insecure-warning = The server's certificate is not checked: anyone on the path could pretend to be it.
tls-bad-missing = no such file
tls-bad-key-alone = a key needs its certificate above
tls-bad-sni = not a valid DNS name or IP address
tls-bad-alpn = a protocol name is at most 255 bytes
tls-status-any = ⚠ any certificate accepted
tls-status-ready = encrypted: { $version }
tls-status-cert = certificate SHA-256 { $sha }

## Socket options (net/sockopts.rs, i18n_sockopts.rs, ui/sockopts_picker.rs)
so-report = socket options as the kernel holds them: { $items }
so-val-asked = { $actual } (asked { $asked })
so-val-doubled = { $actual } (asked { $asked }; Linux doubles it for its own bookkeeping)
so-rcvbuf = SO_RCVBUF { $v }
so-sndbuf = SO_SNDBUF { $v }
so-ttl = TTL { $v }
so-hops = hop limit { $v }
so-keepalive-on = keep-alive on: a probe after { $idle } s of silence, then every { $interval } s, giving up after { $count }
so-keepalive-off = keep-alive off
so-summary-default = Socket options
so-summary-set = Socket options: set
so-summary-bad = Socket options: check the fields
so-tip = SO_RCVBUF, SO_SNDBUF, TTL and keep-alive, set with setsockopt() before bind() / connect() / listen(), then read back: the kernel has the last word.
so-intro = Empty: the system's default. After the start, the values the kernel really set are listed here and in the log.
so-hint-default = default
so-rcvbuf-label = Receive buffer, SO_RCVBUF (bytes)
so-sndbuf-label = Send buffer, SO_SNDBUF (bytes)
so-ttl-label = TTL, or the IPv6 hop limit (1–255)
so-ttl-label-recv = TTL of replies (1–255)
so-keepalive = TCP keep-alive
so-keepalive-tip = When the connection has been silent for a while, the kernel sends probes; if none is answered, the connection is dropped, so a dead peer is noticed.
so-idle = First probe after (s)
so-interval = Then every (s)
so-count = Give up after (probes)
so-bad-bytes = a whole number of bytes, 1 or more
so-bad-ttl = a whole number from 1 to 255
so-bad-secs = a whole number of seconds from 1 to 32767
so-bad-count = a whole number from 1 to 127
so-next-start = Stop first: these apply at the next start.
so-kernel = What the kernel set
tls-err-wrong-signer = TLS: the peer's certificate names the CA given as its issuer, but that CA did not sign it (a new certificate with the same name? give the current one)
tls-err-revoked = TLS: the peer's certificate has been revoked by its CA
tls-err-ca-as-end-entity = TLS: the peer's certificate is a CA certificate (CA:TRUE) used as its own, and not one trusted directly (give that very certificate as the CA file, or pin it)
tls-err-not-a-ca = TLS: a certificate in the peer's chain signs another but is not a CA certificate
tls-err-chain-constraints = TLS: the peer's certificate chain breaks a constraint of its CA (names, path length or depth)
tls-err-wrong-purpose = TLS: the peer's certificate is not for this use (its extended key usage does not allow it)
tls-err-bad-encoding = TLS: the peer's certificate cannot be read (malformed, or a version not supported)
tls-err-unsupported-algorithm = TLS: the peer's certificate is signed with an algorithm this side does not support
tls-err-critical-extension = TLS: the peer's certificate has a critical extension this side does not know
tls-err-pin = TLS: the peer's certificate is not the pinned one: pinned SHA-256 { $expected }, presented SHA-256 { $actual }
tls-pin = Pin (SHA-256)
tls-hint-pin = sha256:… (empty: no pin)
tls-pin-tip = Accept exactly the certificate with this SHA-256 fingerprint and nothing else: no CA, name or date is checked, but the server must hold its key. Colons and case do not matter.
tls-bad-pin-hex = only hex digits (and colons), after an optional sha256:
tls-bad-pin-length = { $digits } hex digits: a SHA-256 fingerprint has 64

## The Sequence tool (ui/sequence_panel.rs)
tool-sequence = Sequence
seq-name = Name
seq-name-hint = e.g. login test
seq-run = ▶ Run
seq-step = Step
seq-next-step = Next step
seq-step-tip = Run one step at a time: each click starts the next step.
seq-stop = ■ Stop
seq-load = Load…
seq-save = Save…
seq-add = Add:
seq-kind-send = send
seq-kind-wait = wait
seq-kind-expect = expect
seq-kind-repeat = repeat
seq-kind-connect = connect
seq-kind-close = close
seq-send-hint = text; {"{"}name{"}"} takes a captured variable
seq-hex = hex
seq-template = variables
seq-template-tip = Expand {"{"}seq{"}"}, {"{"}seq:u16be{"}"}, {"{"}len:u16be{"}"}, {"{"}crc16-modbus{"}"}, {"{"}time{"}"}, {"{"}rand:N{"}"}… at each send, as in the send box (with hex on, the text between them is hex).
seq-timeout = within
seq-up = Move up
seq-down = Move down
seq-duplicate = Duplicate
seq-remove = Remove
seq-exp-contains = contains text
seq-exp-equals = equals text
seq-exp-hex = contains hex
seq-exp-regex = regex (named groups are captured)
seq-exp-bytes-regex = regex (bytes)
seq-exp-any = anything
seq-desc-send = send { $text }
seq-desc-wait = wait { $d }
seq-desc-expect = expect { $kind } { $value } within { $timeout }
seq-latency = { $ms } ms
seq-failed-expect = no matching reply in time ({ $n } bytes arrived)
seq-stopped = stopped
seq-fail-no-answer = no answer within 10 s
seq-fail-not-captured = {"{"}{ $name }{"}"} is not a captured variable (yet)
seq-fail-no-session = not sent: no session runs (connect first)
seq-fail-not-tcp-client = connect and close are for the TCP client
seq-fail-not-ready = the session did not become ready in { $s } s
seq-diff-expected = expected
seq-diff-got = received
seq-diff-received = received { $got } bytes
seq-diff-length = length: expected { $expected } bytes, received { $got }
seq-status-running = running: { $done } of { $total } steps done
seq-status-passed = passed: all { $total } steps
seq-status-failed = failed: { $passed } of { $total } steps passed
seq-status-stopped = stopped: { $passed } of { $total } steps passed
seq-vars = captured: { $vars }
seq-bad = The sequence cannot run: { $why }
dialog-import-sequence = Load a sequence (TOML)
dialog-export-sequence = Save the sequence (TOML)
seq-loaded = Loaded { $n } steps from { $path }
seq-saved = Saved to { $path }

## The Roster tool (ui/roster_panel.rs)
tool-roster = Roster
roster-intro = Check every client that connects: the text it must send with a student number (anything may come before the number, e.g. “ID: 2024001 hello”), the reply it must take, and the time it has.
roster-expect = Each student sends
roster-reply = and takes the reply
roster-no-reply = empty: no reply needed
roster-within = within (s)
roster-start = ▶ Start checking
roster-stop = ■ Stop checking
roster-listen-first = Listen first.
roster-export = Export CSV…
roster-summary = { $passed } of { $total } passed
roster-bad-expect = the regex: { $why }
roster-bad-within = the time: a whole number of seconds from 1 to 86400
roster-waiting = waiting
roster-replying = replying
roster-passed = passed
roster-timed-out = failed: sent nothing in time
roster-left-early = failed: left before sending the exercise
roster-col-client = Client
roster-col-address = Address
roster-col-student = Student
roster-col-result = Result
roster-col-time = Time
roster-col-bytes = Bytes
roster-ms = { $ms } ms
roster-checking = Checking: each student sends { $expect }, then takes “{ $reply }”, within { $within } s
roster-checking-message = Checking: each student sends { $expect }, within { $within } s
roster-seconds = { $s } s
roster-bytes = rx { $rx } / tx { $tx }
dialog-export-roster = Export the roster (CSV)
roster-exported = Saved the roster to { $path }
roster-file-name = roster.csv
roster-rules-also-reply = ⚠ Auto-reply is on too: each student gets its reply as well as the roster’s. Turn one of them off.
roster-number = with a student number (digits; anything may come before them)
roster-advanced = Advanced
roster-use-regex = Use a regex instead (its id group is the student number)
roster-regex = Regex
roster-bad-text = the text: write what each student must send
roster-wrong-text = failed: wrong text
roster-no-number = failed: no student number
roster-col-message = Sent
roster-col-connected = Connected
roster-col-seconds = Seconds
roster-col-rx = Bytes received
roster-col-tx = Bytes sent
roster-expect-number = a student number and “{ $text }”
roster-expect-text = “{ $text }”

## The live Wireshark feed (ui/live_feed.rs)
log-live = Wireshark (live)
log-live-stop = Stop the live feed
log-live-tip = Watch this tab's traffic live in Wireshark: pcapng is written to a pipe as events happen (the same packets as the pcapng export).
live-started = Wireshark is starting on the live feed { $path }
live-command = Wireshark is not installed here. The live feed waits at { $path }: run wireshark -k -i { $path } (or tshark -i { $path })
live-failed = The live feed could not start: { $why }

## Replay… (ui/replay_window.rs)
log-replay = Replay…
log-replay-tip = Send this log's (or a saved record's) messages again, with their spacing, and check the replies.
replay-title = Replay
replay-intro = Sends the recorded messages again, over the recorded protocol, with their original spacing. With Check replies, each reply is compared with the recorded one.
replay-file = Record
replay-this-log = empty: this tab's log
replay-to = To (host:port)
replay-speed = Speed
replay-side-rx = Send what this session received (a peer's requests)
replay-side-rx-tip = On a TCP Server's log: the first client's requests, to test another server.
replay-check = Check replies against the recorded ones
replay-check-tip = A reply that differs is shown as a hex diff; a capture becomes a regression test.
replay-go = ▶ Replay
replay-bad-to = give the address as host:port
replay-no-log = this tab has no log on disk yet: choose a record file
replay-bad-unreadable = cannot read { $path }: { $detail }
replay-bad-lines = { $path }: { $count } unreadable record(s), the first { $first }; nothing was sent
replay-bad-not-a-record = { $path } is not a record: no line of it could be read ({ $first })
replay-bad-no-events = { $path } holds no session events
replay-bad-nothing-sent = nothing to replay: { $path } has no sent data
replay-bad-nothing-received = nothing to replay: { $path } has no received data
replay-why-ended = the connection ended after { $got } of { $want } reply bytes
replay-why-not-ready = the session was not ready within { $s } s
replay-error = cannot replay: { $why }
replay-sent = #{ $n } sent { $bytes } bytes
replay-matched = #{ $n } sent { $bytes } bytes, reply as recorded ({ $reply } bytes, { $ms } ms)
replay-differs = #{ $n } the reply is not as recorded:
replay-no-reply = #{ $n } no reply as recorded: { $why }
replay-done = replayed { $n } messages in { $secs } s
replay-checked = { $matched } replies as recorded, { $differed } not

## A file the session writes that stopped growing (issue 23)
why-disk-full = the disk is full
why-quota = the disk quota is used up
why-too-large = the file reached the largest size allowed
why-device = the device failed (I/O error)
why-other = { $err }
stopped-record = the record stopped: { $why } ({ $path })
stopped-spool = the log's copy on disk stopped: { $why } ({ $path })
stopped-missing = it holds the first { $kept } events whole; from event { $next } on, nothing more is in it
stopped-missing-from = it holds the first { $kept } events whole; from event { $next } ({ $at }) on, nothing more is in it
save-rest = Save the rest…
save-rest-tip = The log's copy on disk still holds every event the record misses: save them to another place
save-rest-title = Save the rest of the record
save-write-failed-kept = writing { $path } failed: { $err }; nothing was saved, and a file that was there is kept as it was
fd-no-such-folder = { $dir } is not a folder: type one that exists, or pick one below

## Exports for people (txt, csv, html): headers and fixed words
export-h-time = ts
export-h-time-utc = ts (UTC)
export-h-session = session
export-h-event = event
export-h-local = local
export-h-peer = peer
export-h-client = client
export-h-len = len
export-h-hex = hex
export-h-text = text
export-h-encoding = encoding
export-h-message = message
export-h-by = by
export-h-dir = dir
export-title = Socket Tester log
export-events-total = { $n } events.
export-local = local
dg-not-attempted = No connection: { $why } No SYN was sent, so there is no handshake to draw.
dg-refused = The server answered the SYN with RST: connection refused (nothing listens on that port).
dg-no-answer = The SYN got no answer: { $why }
dg-tab-counts = The arrows count this connection; the status line counts { $rx } B received, { $tx } B sent (since Start or Clear, earlier connections included).
pk-title = Packets
pk-save-send-box = ＋ Save the send box as a packet
pk-new = ＋ New packet
pk-new-name = packet
pk-import = Import packets…
pk-export = Export packets…
pk-empty = No saved packets yet: save the send box of any tab, or import a TOML file.
pk-send-tip = Send to { $to }, from the tab that can (one click)
pk-edit = Edit
pk-delete = Delete
pk-delete-sure = Delete “{ $name }”? Click again
pk-name = Name
pk-protocol = Protocol
pk-to = Destination (host:port)
pk-payload = Payload
pk-hex = Hex
pk-escapes = Escapes (\n \r \t \xNN)
pk-template = Template ({"{"}seq{"}"}, {"{"}time{"}"}, …)
pk-line-ending = Line ending
pk-save = Save packet
pk-cancel = Cancel
pk-no-name = Give the packet a name.
pk-bad-encoding = “{ $label }” is not an encoding this app knows (use a WHATWG label such as utf-8 or gbk).
pk-bad-file = { $err }
pk-too-big = the file is larger than 4 MiB: not a packets file
pk-too-many = more than { $n } packets
pk-file = { $path }: { $err }
pk-file-line = { $path }, line { $line }: { $err }
pk-imported = Imported { $n } packets from { $path } (names already taken got a number).
pk-exported = Exported { $n } packets to { $path }.
pk-sent = Sent “{ $name }”: { $n } bytes to { $to } via the { $tab } tab.
pk-not-sent = “{ $name }” was not sent: the { $tab } tab is not running.
pk-udp-fields = No UDP tab is bound, and the UDP Sender's fields have an error: fix them (its Bind address) to send UDP packets.
pk-tcp-fields = The TCP Client's fields have an error: fix them, then try again.
pk-binding = Binding the UDP Sender to send “{ $name }”…
pk-connecting = Connecting the TCP Client to { $to } to send “{ $name }”…
pk-somewhere = another server
pk-client-busy = No connection to { $to }: the TCP Client is connected to { $at }. Disconnect it, then send again to have it connect to { $to }.
pk-no-connection = No TCP connection to { $to } (neither the TCP Client nor a client of the TCP Server).
pk-connect-and-send = Connect the TCP Client to { $to } and send
pk-failed = “{ $name }” was not sent: { $why }

# The offer of another encoding above the log, and the send box's Hex toggle.
enc-hint = The data received looks like { $enc }: { $preview }
enc-hint-switch = Use { $enc }
enc-hint-dismiss-tip = Hide this (keep { $enc })
hex-kept-variables = Kept as it is: with Variables on, the message is a template and is not converted.
hex-kept-not-text = Kept as hex: these bytes are not text in { $enc }.
hex-kept-control = Kept as hex: byte { $byte } is a control character that would not show in the box.
hex-kept-bad-hex = Kept as it is: { $why }
hex-kept-not-encodable = Kept as it is: { $why }

## The relay's events (the pair and the direction of each)
ev-not-applicable-relay = that command does not apply to a relay
ev-relay-up = client → server
ev-relay-down = server → client
ev-relay-listening = listening on { $local } ({ $proto }), forwarding to { $to }
ev-relay-seed = fault seed { $seed } (--seed { $seed } repeats this run)
ev-relay-upstream = upstream { $from } → { $upstream }
ev-relay-upstream-failed = upstream failed, client closed: { $why }
ev-relay-fin = { $arrow } FIN carried (half-close)
ev-relay-reset = { $arrow } RST carried ({ $why })
ev-relay-fault = { $arrow } fault: { $what }
ev-relay-too-many-sources = datagram dropped: { $limit } sources are mapped already
ev-relay-queue-full = { $arrow } queue full: a datagram of { $len } B dropped
ev-relay-expired = mapping ended after { $ms } ms idle
ev-relay-pair-closed = pair closed: { $why }
ev-relay-end-both-fin = both sides sent FIN
ev-relay-end-reset = a side reset (RST carried)
ev-relay-end-cut = a fault cut it
ev-relay-end-upstream-failed = the upstream failed
ev-relay-end-idle = idle too long
ev-relay-end-stopped = the relay stopped
ev-relay-stopped = relay stopped
ev-relay-faults-changed = faults changed (each pair takes them before its next chunk)
ev-relay-faults-off = faults changed: every fault is off
ev-fault-delayed = delayed { $ms } ms
ev-fault-dropped = dropped a datagram of { $len } B
ev-fault-duplicated = duplicated a datagram of { $len } B
ev-fault-reordered = reordered: sent after { $behind } later datagrams
ev-fault-corrupted = corrupted the byte at offset { $offset } ({ $was } → { $now })
ev-fault-sliced = sliced into { $pieces } writes
ev-fault-merged = merged { $chunks } reads into one write
ev-fault-throttled = throttled { $ms } ms
ev-fault-reset = reset both sides (RST)
ev-fault-closed = closed both sides (FIN)
ev-fault-blackholed = black hole: nothing more is forwarded this way
ev-fault-swallowed = swallowed { $len } B

## The Relay tab
field-relay-listen = Listen on
field-relay-server = Server
field-relay-server-port = Server port
relay-proto = Protocol
relay-faults = Faults
relay-faults-tip = Every fault is off at 0. A change applies at once, also while the relay runs (each pair takes it before its next chunk).
relay-dir-up = Up (client → server)
relay-dir-down = Down (server → client)
relay-f-latency = Latency (ms)
relay-f-jitter = Jitter ± (ms)
relay-f-bandwidth = Bandwidth (bytes/s, 0 = unlimited)
relay-f-slice = Slice into pieces of (bytes)
relay-f-slice-gap = Gap between pieces (ms)
relay-f-merge = Merge what arrives within (ms)
relay-f-drop = Drop (%)
relay-f-duplicate = Duplicate (%)
relay-f-reorder = Reorder window (datagrams)
relay-f-corrupt = Corrupt a byte (%)
relay-f-reset-after = Reset (RST) after (bytes)
relay-f-close-after = Close (FIN) after (bytes)
relay-f-blackhole-after = Black hole after (bytes)
relay-f-seed = Seed
relay-f-seed-tip = The seed of the random faults (drop, duplicate, reorder, corrupt, jitter): the same seed repeats a run. 0: a new one each start, told in the log.
relay-pairs = Pairs
relay-pairs-none = No pairs yet
relay-all-pairs = All pairs
relay-pair-row = #{ $id } { $peer } · { $state } · → { $up } B · ← { $down } B
relay-pair-open = open
relay-pair-closed = closed
relay-pair-filter-tip = Show only this pair's rows in the log (click again for all). → client → server, ← server → client.
