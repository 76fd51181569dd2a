#!/bin/sh
echo "tool says: $(cat /opt/app/config.txt)"
