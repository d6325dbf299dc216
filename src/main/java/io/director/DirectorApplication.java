package io.director;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The Spring application that {@code director serve} boots; every module below this package is scanned. */
@SpringBootApplication
@EnableScheduling
public class DirectorApplication {}
