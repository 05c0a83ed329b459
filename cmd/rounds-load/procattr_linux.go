package main

import "syscall"

// procAttr makes the server die with the tool: the kernel sends it
// SIGTERM if the tool exits first, however it exits.
func procAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM} }
