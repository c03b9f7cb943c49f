export { tcpdumpTextParser } from "./tcpdump";
